import { MIGRATIONS_TABLE } from '@app/database';
import { TestApp } from '../../support/test-app';

/**
 * Tables left out of "nothing changed": records ABOUT requests, not data the
 * requests may change. `command_results` keeps the outcome of every queued
 * command, a refusal included (that is how a replay answers the same);
 * `audit_log` records every denial (401, 403, 429) on purpose.
 */
export const BOOKKEEPING_TABLES = ['command_results', 'audit_log', MIGRATIONS_TABLE];

/** An md5 of every row of every data table: any insert, update or delete changes it. */
export type Fingerprint = Record<string, string>;

let tables: string[] | undefined;

async function dataTables(t: TestApp): Promise<string[]> {
  if (!tables) {
    const rows: { tablename: string }[] = await t.db.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    tables = rows.map((r) => r.tablename).filter((name) => !BOOKKEEPING_TABLES.includes(name));
  }
  return tables;
}

/** One query for all tables, so that thousands of before/after comparisons stay cheap. */
export async function fingerprint(t: TestApp): Promise<Fingerprint> {
  const names = await dataTables(t);
  const sql = names
    .map(
      (name) =>
        `SELECT '${name}' AS name, count(*)::int AS n, ` +
        `md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest FROM "${name}" x`,
    )
    .join(' UNION ALL ');
  const rows: { name: string; n: number; digest: string }[] = await t.db.query(sql);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.digest}`]));
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
