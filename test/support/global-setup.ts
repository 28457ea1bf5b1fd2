import { register } from 'tsconfig-paths';
import { onTestServer } from './test-database';

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
  await onTestServer(config.databaseUrl, [
    'DROP DATABASE IF EXISTS {db} WITH (FORCE)',
    'CREATE DATABASE {db}',
  ]);
  await runMigrations(config);
}
