import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '@app/config';
import { CONNECTION_NAMES } from '@app/database';
import { SimulationOptions } from './options';

/**
 * The environment of this run: its own database on the configured server, its
 * own Redis key prefix, the manual clock. The simulator's context and every
 * worker process it spawns read the same values.
 */
export function scratchEnvironment(
  config: AppConfig,
  options: SimulationOptions,
  pid: number,
): Record<string, string> {
  const url = new URL(config.databaseUrl);
  url.pathname = `/${options.database}`;
  // Each process names its own connections: one name given to all would merge
  // the workers', the simulator's and the vacuum's CPU in the report.
  url.searchParams.delete('application_name');
  return {
    DATABASE_URL: url.toString(),
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: `hs-sim-${pid}`,
    CLOCK: 'manual',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    NOTICE_FIRST_DAY_EXCLUDED: String(config.noticeFirstDayExcluded),
    NOTICE_EXTEND_TO_WORKDAY: String(config.noticeExtendToWorkday),
  };
}

async function onServer<T>(databaseUrl: string, run: (c: Client) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({
    connectionString: url.toString(),
    fallback_application_name: CONNECTION_NAMES.simulator,
  });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const nameOf = (databaseUrl: string) => decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

export async function databaseExists(databaseUrl: string): Promise<boolean> {
  return onServer(databaseUrl, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      nameOf(databaseUrl),
    ]);
    return (found.rowCount ?? 0) > 0;
  });
}

/** Drops the scratch database, closing whatever connections are left on it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = nameOf(databaseUrl);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await onServer(databaseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Deletes every key under this run's prefix (and nothing else); returns how many. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!/^hs-sim-\d+$/.test(prefix)) throw new Error(`refusing to delete keys of ${prefix}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** Redis's used memory in bytes (the whole server: shared, so only indicative). */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
