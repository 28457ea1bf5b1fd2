/** Set once per run by config/jest.config.js. */
export const TEST_RUN_ID = process.env.TEST_RUN_ID ?? 'local';

/**
 * The environment of every integration test: a database and a Redis key prefix
 * of this run's own, so neither a running demo (database `housing`, prefix `hs`)
 * nor another test run on the same machine is ever touched.
 * The servers can be changed with TEST_POSTGRES_URL and TEST_REDIS_URL.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: `${process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'}/housing_test_${TEST_RUN_ID}`,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  REDIS_PREFIX: `hs-test-${TEST_RUN_ID}`,
  CLOCK: 'manual',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-000',
  LOG_LEVEL: 'silent',
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'root-password',
  UPLOAD_DIR: `${process.env.TMPDIR ?? '/tmp'}/housing-test-uploads-${TEST_RUN_ID}`,
  // Every test logs in and registers from 127.0.0.1 under one Redis prefix: with the
  // production limits, one file's attempts would refuse another file's. The
  // tests of the limits set their own (test/rate-limits.int-spec.ts).
  LOGIN_RATE_LIMIT_PER_USERNAME: '1000',
  LOGIN_RATE_LIMIT_PER_IP: '10000',
  REGISTRATION_RATE_LIMIT_PER_IP: '100000',
  // Tests that wait on deadlines seconds ahead run them at once (the grace is tested on its own).
  REVIEW_DEADLINE_GRACE_SECONDS: '0',
};

Object.assign(process.env, TEST_ENV);
