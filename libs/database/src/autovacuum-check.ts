import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Whether `SHOW autovacuum` answered that the server runs it. */
export const autovacuumOn = (setting: string): boolean => setting === 'on';

/**
 * What to say about the server's `autovacuum` setting, or null when it is on.
 *
 * The workflow updates each application about six times a season and
 * cancels or fires each of its timers; only autovacuum analyses those tables
 * as they grow and clears the old row versions. Without it the planner keeps
 * the statistics of empty tables and every transition reads through more
 * dead rows: a 100,000-household season slowed to about half its speed
 * within two weeks (docs/performance.md).
 */
export function autovacuumWarning(setting: string): string | null {
  if (autovacuumOn(setting)) return null;
  return (
    `PostgreSQL runs with autovacuum = ${setting}: tables are never analysed nor vacuumed ` +
    'unless someone does it, and transitions slow down as a season goes on; turn it on ' +
    '(docs/performance.md)'
  );
}

/** Reads the setting once per process at start-up and warns; never stops the start. */
@Injectable()
export class AutovacuumCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('PostgreSQL');

  constructor(private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const [{ autovacuum }]: { autovacuum: string }[] = await this.db.query(`SHOW autovacuum`);
      const warning = autovacuumWarning(autovacuum);
      if (warning) this.logger.warn(warning);
    } catch (e) {
      // The health check reports a database that is away; this is advice only.
      this.logger.debug(`autovacuum not checked: ${(e as Error).message}`);
    }
  }
}
