import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { autovacuumOn, CONNECTION_NAMES } from '@app/database';

/**
 * Autovacuum's work, done by the simulator when the server does not do it.
 *
 * A county's PostgreSQL runs autovacuum (the default); this project's CI
 * machine runs its server without it (`autovacuum = off` in its conf.d). A
 * season there leaves every table unanalysed and every updated row's old
 * versions in place: the planner keeps the statistics of the empty tables it
 * started with, and each transition wades through more dead versions of the
 * applications and timers it touches. A 100,000-household season ran at
 * about 150 transitions/s after two weeks and 260–350/s right after one
 * manual `VACUUM (ANALYZE)` (docs/performance.md). That measures the
 * server's configuration, not the service.
 *
 * So when the server's autovacuum is off, `kick()` (once per simulated night)
 * does what autovacuum would have decided by then, with its default
 * thresholds and cost throttling: it vacuums each table with more dead rows
 * than 50 + 20 % of its live ones (or more rows inserted since its last vacuum
 * than 1,000 + 20 %), and analyses each with more rows changed since its last
 * analysis than 50 + 10 %. It runs on a connection of its own beside the
 * season, one night's round at a time. Its time is reported with the season's.
 */
export class StandInVacuum {
  private running: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Rounds finished, tables vacuumed, tables analysed, and the time the rounds ran (wall). */
  runs = 0;
  vacuumed = 0;
  analysed = 0;
  wallMs = 0;

  private constructor(private readonly client: Client) {}

  /** A stand-in when `databaseUrl`'s server runs without autovacuum; null when it runs with it. */
  static async whenNeeded(databaseUrl: string): Promise<StandInVacuum | null> {
    const vacuum = await StandInVacuum.connect(databaseUrl);
    const { rows } = await vacuum.client.query<{ autovacuum: string }>(`SHOW autovacuum`);
    if (!autovacuumOn(rows[0].autovacuum)) return vacuum;
    await vacuum.client.end();
    return null;
  }

  /** A stand-in whatever the server does (whenNeeded decides; tests use this directly). */
  static async connect(databaseUrl: string): Promise<StandInVacuum> {
    const client = new Client({
      connectionString: databaseUrl,
      // Its own name: its CPU is reported apart from the simulator's.
      fallback_application_name: CONNECTION_NAMES.simulatorVacuum,
    });
    // A connection lost between rounds, or ended by abort(): the next round fails and says so.
    client.on('error', () => undefined);
    try {
      await client.connect();
      // autovacuum_vacuum_cost_delay and _limit's defaults (PostgreSQL 12+):
      // a manual VACUUM is otherwise unthrottled.
      await client.query(`SET vacuum_cost_delay = '2ms'`);
      await client.query(`SET vacuum_cost_limit = 200`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    return new StandInVacuum(client);
  }

  /** Starts a round unless one is running; never waits for it. */
  kick(): void {
    if (this.running || this.failure) return;
    const started = performance.now();
    this.running = this.round()
      .then(() => {
        this.runs += 1;
        this.wallMs += performance.now() - started;
      })
      .catch((e: Error) => {
        // Not the service's failure: say so at the end, and stop standing in.
        this.failure = e;
      })
      .finally(() => {
        this.running = null;
      });
  }

  /** The tables autovacuum would vacuum or analyse now, each done in turn. */
  private async round(): Promise<void> {
    const { rows } = await this.client.query<{ name: string; vacuum: boolean; analyse: boolean }>(
      `SELECT relname AS name,
              n_dead_tup > 50 + 0.2 * n_live_tup
                OR n_ins_since_vacuum > 1000 + 0.2 * n_live_tup AS vacuum,
              n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyse
         FROM pg_stat_user_tables WHERE schemaname = 'public'`,
    );
    for (const table of rows) {
      const name = this.client.escapeIdentifier(table.name);
      // As autovacuum: one process (a manual VACUUM may clean indexes in parallel
      // workers, whose CPU the simulator would not count), and no wait for a lock.
      const options = `PARALLEL 0, SKIP_LOCKED${table.analyse ? ', ANALYZE' : ''}`;
      if (table.vacuum) {
        await this.client.query(`VACUUM (${options}) ${name}`);
        this.vacuumed += 1;
      } else if (table.analyse) {
        await this.client.query(`ANALYZE (SKIP_LOCKED) ${name}`);
      }
      if (table.analyse) this.analysed += 1;
    }
  }

  /** Resolves once no round runs (its backend is still there, for a CPU sample). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Ends the connection without waiting for a round (an interrupted run drops the database). */
  abort(): void {
    this.client.end().catch(() => undefined);
  }

  /** Waits for a running round, closes the connection, and says what was done. */
  async stop(): Promise<string> {
    await this.running;
    await this.client.end().catch(() => undefined);
    const done =
      `nightly rounds ${this.runs}: tables vacuumed ${this.vacuumed}, analysed ${this.analysed}; ` +
      `${(this.wallMs / 1000).toFixed(1)} s in all beside the season`;
    return this.failure ? `${done}; then one failed: ${this.failure.message}` : done;
  }
}
