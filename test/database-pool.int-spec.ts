import { createTestApp, TestApp } from './support/test-app';
import { sleep } from './support/wait';

/** The part of pg's Pool this test reads (TypeORM keeps it as the driver's `master`). */
interface PgPool {
  totalCount: number;
  options: { idleTimeoutMillis?: number };
}

/** pg's own default: a connection idle this long was closed, and opened again under load. */
const PG_DEFAULT_IDLE_MS = 10_000;

/**
 * The pool keeps the connections a burst opened. Closed after pg's default ten
 * idle seconds, they were opened again at the next burst, a dozen new backends
 * at once, each forked with cold caches: the benchmark saw a stall of every
 * request every 10-11 seconds (docs/performance.md, "Pool churn and
 * background work").
 */
describe('the PostgreSQL pool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
  }, 60_000);
  afterAll(() => t.close());

  it('keeps a burst’s connections past pg’s default idle timeout', async () => {
    const pool = (t.db.driver as unknown as { master: PgPool }).master;
    expect(pool.options.idleTimeoutMillis).toBeGreaterThanOrEqual(5 * 60_000);

    const burst = 6;
    await Promise.all(Array.from({ length: burst }, () => t.db.query(`SELECT pg_sleep(0.2)`)));
    const opened = pool.totalCount;
    expect(opened).toBeGreaterThanOrEqual(burst);

    await sleep(PG_DEFAULT_IDLE_MS + 1500);
    expect(pool.totalCount).toBe(opened);
  }, 30_000);
});
