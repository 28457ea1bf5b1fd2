import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '@app/config';
import { MIGRATIONS } from './migrations';
import { NamedStatementClient } from './named-statement-client';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * The pg pool of every process (TypeORM's `extra`), and of the bench's raw
 * baseline, which must match it. Idle connections: pg's default is 10 seconds:
 * under a steady load with small bursts, the pool then closed the connections
 * a burst had opened and, at the next burst, opened them again under load, a
 * dozen new backends at once, each forked and with cold catalog caches. The
 * bench saw that as a 200-300 ms stall of every request every 10-11 seconds
 * (docs/performance.md, "Pool churn and background work"). Ten minutes, like
 * HikariCP's default, keeps a working pool open and still gives back a quiet
 * night's connections.
 */
export const POOL_OPTIONS = {
  max: 20,
  connectionTimeoutMillis: 5000,
  idleTimeoutMillis: 10 * 60 * 1000,
} as const;

/**
 * Every statement is planned for its own values: named statements
 * (`NamedStatementClient`) save their parse, not their plan. PostgreSQL's
 * default would switch a named statement to one generic plan after five
 * executions, and a generic plan made while a table was nearly empty kept
 * scanning it as it grew (measured: PostgreSQL's CPU per transition doubled),
 * and cannot use an index for `region_path LIKE $1`. A transition's
 * transaction alone switches to generic plans (`SWITCH_TO_GENERIC_PLANS`).
 * pg sends one `options` string: an `options` parameter in DATABASE_URL
 * replaces this one, and PGOPTIONS is not read while either is set.
 */
const SESSION_OPTIONS = '-c plan_cache_mode=force_custom_plan';

/**
 * What `pg_stat_activity.application_name` shows for each process's
 * connections (see `dataSourceOptions`); `default` for one that names none
 * (tests, scripts).
 */
export const CONNECTION_NAMES = {
  api: 'housing-api',
  apiWithWorker: 'housing-api+worker',
  worker: 'housing-worker',
  migrate: 'housing-migrate',
  seedDemo: 'housing-seed-demo',
  simulator: 'housing-simulate',
  simulatorVacuum: 'housing-simulate-vacuum',
  default: 'housing-survey',
} as const;

/**
 * The schema changes only through migrations: `synchronize` stays off in every
 * environment, tests included.
 *
 * `connectionName` is what `pg_stat_activity.application_name` shows for this
 * process's connections (the API, a worker, the simulator): a DBA can tell them
 * apart, and the simulator counts PostgreSQL's CPU by them. It is libpq's
 * `fallback_application_name`: an `application_name` in DATABASE_URL, or
 * PGAPPNAME in the environment, still wins.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'databaseNamedStatements'>,
  connectionName: string = CONNECTION_NAMES.default,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      ...POOL_OPTIONS,
      fallback_application_name: connectionName,
      ...(config.databaseNamedStatements
        ? { Client: NamedStatementClient, options: SESSION_OPTIONS }
        : {}),
    },
  };
}
