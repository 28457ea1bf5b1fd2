import { Client } from 'pg';
import { loadConfig } from '@app/config';
import { runMigrations } from '@app/database';

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A fresh database of this name on the server, with every migration applied; returns its URL. */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<string> {
  await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = `${serverUrl}/${name}`;
  await runMigrations(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }));
  return url;
}
