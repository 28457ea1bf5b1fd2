import { Client } from 'pg';
import { StandInVacuum } from '../apps/cli/src/simulate/stand-in-vacuum';
import { TEST_ENV } from './support/test-env';

/**
 * The season simulator stands in for autovacuum on a server that runs
 * without it (this project's CI machine): once a night it vacuums and
 * analyses the tables autovacuum would by then (here: 1,000 rows inserted
 * since the last analysis), beside the season, never two rounds at a time.
 */
describe('the simulator in autovacuum’s stead', () => {
  const url = TEST_ENV.DATABASE_URL;
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: url });
    await db.connect();
    await db.query(`CREATE TABLE IF NOT EXISTS vacuum_probe (id int)`);
    await db.query(`INSERT INTO vacuum_probe SELECT generate_series(1, 1000)`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS vacuum_probe`);
    await db.end();
  });

  const lastAnalysed = async (): Promise<Date | null> =>
    (
      await db.query<{ at: Date | null }>(
        `SELECT greatest(last_analyze, last_autoanalyze) AS at
           FROM pg_stat_user_tables WHERE relname = 'vacuum_probe'`,
      )
    ).rows[0].at;

  it('stands in only when the server runs without autovacuum, and analyses a table autovacuum would', async () => {
    const { autovacuum } = (await db.query<{ autovacuum: string }>(`SHOW autovacuum`)).rows[0];
    const vacuum = await StandInVacuum.whenNeeded(url);
    if (autovacuum === 'on') {
      expect(vacuum).toBeNull();
      return;
    }
    expect(vacuum).not.toBeNull();
    const before = await lastAnalysed();
    // A backend reports its row counts within a second or so of its commit.
    const changed = await waitFor(
      async () =>
        (
          await db.query<{ n: number }>(
            `SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relname = 'vacuum_probe'`,
          )
        ).rows[0].n,
      (n) => n >= 1000,
    );
    expect(changed).toBeGreaterThanOrEqual(1000);

    vacuum!.kick();
    vacuum!.kick(); // while the first runs: not a second one
    const said = await vacuum!.stop();

    expect(said).toMatch(/^nightly rounds 1: tables vacuumed \d+, analysed \d+; [\d.]+ s in all/);
    expect(vacuum!.runs).toBe(1);
    expect(vacuum!.analysed).toBeGreaterThanOrEqual(1);
    // Statistics reach pg_stat_user_tables within the statistics' flush delay.
    const after = await waitFor(
      lastAnalysed,
      (at) => at !== null && at.getTime() !== before?.getTime(),
    );
    expect(after).not.toBeNull();
    expect(after!.getTime()).not.toBe(before?.getTime());
  });
});

/** Polls `read` until `done` holds (at most 5 s); returns the last value read. */
async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const until = Date.now() + 5000;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
