import { Client } from 'pg';
import { CONNECTION_NAMES } from '@app/database';

/**
 * Creates the database named in the URL when it does not exist yet, so that a
 * fresh machine with only a running PostgreSQL needs no manual `createdb`.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(`Unusual database name ${JSON.stringify(name)}`);
  url.pathname = '/postgres';
  const client = new Client({
    connectionString: url.toString(),
    fallback_application_name: CONNECTION_NAMES.migrate,
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}
