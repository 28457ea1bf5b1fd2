import { Client } from 'pg';
import { StandInVacuum } from '../apps/cli/src/simulate/stand-in-vacuum';
import { TEST_ENV } from './support/test-env';
import { waitUntil } from './support/wait';

/**
 * The season simulator stands in for autovacuum on a server that runs
 * without it (this project's CI machine): once a night it vacuums and
 * analyses the tables autovacuum would by then, with autovacuum's default
 * thresholds, beside the season, never two rounds at a time.
 */
describe('the simulator in autovacuum’s stead', () => {
  const url = TEST_ENV.DATABASE_URL;
  let db: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS vacuum_probe_dead, vacuum_probe_new`);
    await db.end();
  });

  const stats = async (table: string) =>
    (
      await db.query<{ vacuumed: Date | null; analysed: Date | null; dead: number; mod: number }>(
        `SELECT greatest(last_vacuum, last_autovacuum) AS vacuumed,
                greatest(last_analyze, last_autoanalyze) AS analysed,
                n_dead_tup::int AS dead, n_mod_since_analyze::int AS mod
           FROM pg_stat_user_tables WHERE relname = $1`,
        [table],
      )
    ).rows[0];

  it('stands in exactly when the server runs without autovacuum', async () => {
    const { autovacuum } = (await db.query<{ autovacuum: string }>(`SHOW autovacuum`)).rows[0];
    const vacuum = await StandInVacuum.whenNeeded(url);
    try {
      expect(vacuum === null).toBe(autovacuum === 'on');
    } finally {
      await vacuum?.stop();
    }
  });

  it('vacuums a table with dead rows, analyses one with new rows, one round at a time', async () => {
    // 500 dead of 1,000: past 50 + 20 % of the live rows. 1,000 inserted, none
    // dead: past 50 + 10 % changed since the last analysis, not past the
    // insert threshold (1,000 + 20 %).
    await db.query(`CREATE TABLE vacuum_probe_dead (id int)`);
    await db.query(`INSERT INTO vacuum_probe_dead SELECT generate_series(1, 1000)`);
    await db.query(`DELETE FROM vacuum_probe_dead WHERE id % 2 = 0`);
    await db.query(`CREATE TABLE vacuum_probe_new (id int)`);
    await db.query(`INSERT INTO vacuum_probe_new SELECT generate_series(1, 1000)`);
    // A backend reports its row counts within a second or so of its commit.
    await waitUntil(
      async () => (await stats('vacuum_probe_dead')).dead >= 500,
      5000,
      'dead rows counted',
    );
    await waitUntil(
      async () => (await stats('vacuum_probe_new')).mod >= 1000,
      5000,
      'new rows counted',
    );

    const vacuum = await StandInVacuum.connect(url);
    let said: string;
    try {
      vacuum.kick();
      vacuum.kick(); // while the first round runs: not a second one
      said = await vacuum.stop();
    } finally {
      vacuum.abort();
    }

    expect(said).toMatch(/^nightly rounds 1: tables vacuumed \d+, analysed \d+; [\d.]+ s in all/);
    expect(vacuum.runs).toBe(1);
    await waitUntil(
      async () => {
        const [dead, fresh] = [await stats('vacuum_probe_dead'), await stats('vacuum_probe_new')];
        return dead.vacuumed !== null && dead.analysed !== null && fresh.analysed !== null;
      },
      5000,
      'the round reported',
    );
    expect((await stats('vacuum_probe_dead')).dead).toBe(0);
    expect((await stats('vacuum_probe_new')).vacuumed).toBeNull();
  });
});
