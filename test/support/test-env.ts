/**
 * The environment of every integration test: its own database and Redis key
 * space, so a running demo (database `housing`, prefix `hs`) is never touched.
 * Overridable from outside, e.g. TEST_DATABASE_URL for another server.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/housing_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  REDIS_PREFIX: 'hs-test',
  CLOCK: 'manual',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-000',
  LOG_LEVEL: 'silent',
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'root-password',
  UPLOAD_DIR: `${process.env.TMPDIR ?? '/tmp'}/housing-test-uploads`,
};

Object.assign(process.env, TEST_ENV);
