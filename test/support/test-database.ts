import { Client } from 'pg';

/**
 * Runs `statements` against the server's `postgres` database, where a test
 * run's own database is made and dropped; `{db}` stands for that database's name.
 */
export async function onTestServer(databaseUrl: string, statements: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql.replaceAll('{db}', `"${name}"`));
  } finally {
    await admin.end();
  }
}
