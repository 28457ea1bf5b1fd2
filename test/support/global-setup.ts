import { register } from 'tsconfig-paths';
import { Client } from 'pg';

// globalSetup runs outside jest's module mapper: resolve `@app/*` here as tsconfig does.
register({ baseUrl: `${__dirname}/../..`, paths: { '@app/*': ['libs/*/src'] } });

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the path mapping above */
const { loadConfig } = require('@app/config') as typeof import('@app/config');
const { runMigrations } = require('@app/database') as typeof import('@app/database');
const { TEST_ENV } = require('./test-env') as typeof import('./test-env');
/* eslint-enable @typescript-eslint/no-require-imports */

/** A fresh test database, migrated once per run: tests see exactly what the migrations make. */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig(TEST_ENV);
  const url = new URL(config.databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(config);
}
