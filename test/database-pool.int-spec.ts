import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { createTestApp, TestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';
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

/**
 * Each process names its connections (pg_stat_activity.application_name): a
 * DBA tells the API's from a worker's, and the simulator counts PostgreSQL's
 * CPU by them. A name the deployment gives in DATABASE_URL wins.
 */
describe('the PostgreSQL connections’ name', () => {
  const ownName = async (db: DataSource) =>
    (
      await db.query<{ name: string }[]>(
        `SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
      )
    )[0].name;

  it('is the process’s: the API’s, with or without its worker', async () => {
    for (const [withWorker, name] of [
      [false, 'housing-api'],
      [true, 'housing-api+worker'],
    ] as const) {
      const t = await createTestApp({}, { withWorker });
      try {
        expect(await ownName(t.db)).toBe(name);
      } finally {
        await t.close();
      }
    }
  }, 60_000);

  // pg reads PGAPPNAME when a client is made: the runner's own must not decide these tests.
  const runnersName = process.env.PGAPPNAME;
  beforeEach(() => {
    delete process.env.PGAPPNAME;
  });
  afterAll(() => {
    if (runnersName === undefined) delete process.env.PGAPPNAME;
    else process.env.PGAPPNAME = runnersName;
  });

  it('gives way to PGAPPNAME in the environment', async () => {
    process.env.PGAPPNAME = 'from-the-environment';
    const db = new DataSource(dataSourceOptions(loadConfig(TEST_ENV), 'housing-worker'));
    await db.initialize();
    try {
      expect(await ownName(db)).toBe('from-the-environment');
    } finally {
      await db.destroy();
    }
  });

  it('gives way to an application_name in DATABASE_URL', async () => {
    const config = loadConfig({
      ...TEST_ENV,
      DATABASE_URL: `${TEST_ENV.DATABASE_URL}?application_name=county-dba-choice`,
    });
    const named = new DataSource(dataSourceOptions(config, 'housing-worker'));
    const unnamed = new DataSource(dataSourceOptions(loadConfig(TEST_ENV), 'housing-worker'));
    await Promise.all([named.initialize(), unnamed.initialize()]);
    try {
      expect(await ownName(named)).toBe('county-dba-choice');
      expect(await ownName(unnamed)).toBe('housing-worker');
    } finally {
      await Promise.all([named.destroy(), unnamed.destroy()]);
    }
  });
});
