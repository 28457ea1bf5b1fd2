import { rm } from 'node:fs/promises';
import Redis from 'ioredis';
import { onTestServer } from './test-database';
import { TEST_ENV } from './test-env';

/** Drops this run's database, Redis keys and uploads. */
export default async function globalTeardown(): Promise<void> {
  await onTestServer(TEST_ENV.DATABASE_URL, ['DROP DATABASE IF EXISTS {db} WITH (FORCE)']);

  const redis = new Redis(TEST_ENV.REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${TEST_ENV.REDIS_PREFIX}:*`,
        'COUNT',
        1000,
      );
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }

  await rm(TEST_ENV.UPLOAD_DIR, { recursive: true, force: true });
}
