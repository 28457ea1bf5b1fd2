import type { Pool, PoolClient } from 'pg';
import { escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { pathPrefixPattern } from './region-prefix';

export interface RegisterFilter {
  campaignId: string;
  /** The region's materialised path: every community under it is included. */
  regionPath: string;
}

/** Rows between two progress reports of an export. */
export const PROGRESS_EVERY = 5000;

/**
 * The register's order: by archive number, then by id the households without
 * one (never the case for one approved through the workflow, which numbers it).
 */
export const REGISTER_ORDER = 'a.archive_no NULLS LAST, a.id';

export const LF = 0x0a;

/**
 * The condition on an approved household's row (`alias`'s, where the query
 * names it): `approved_at` is set by the final approval and never
 * cleared, and its test lets the planner use `applications_approved_idx` (an
 * index on the status would stop every transition's update being HOT).
 */
export function approvedRow(alias?: string): string {
  const column = alias ? `${alias}.` : '';
  return `${column}status = 'approved' AND ${column}approved_at IS NOT NULL`;
}

const APPROVED_IN = `campaign_id = $1 AND region_path LIKE $2 AND ${approvedRow()}`;

/**
 * The approved households of the filter in REGISTER_ORDER, as the one query
 * both register files come from. A COPY takes no parameters, so the two values are
 * quoted as literals (one is a validated UUID, the other a path of ids).
 */
export function approvedHouseholds(filter: RegisterFilter, columns: string): string {
  return `SELECT ${columns}
      FROM applications a JOIN regions r ON r.id = a.community_id
     WHERE a.campaign_id = ${escapeLiteral(filter.campaignId)}
       AND a.region_path LIKE ${escapeLiteral(pathPrefixPattern(filter.regionPath))}
       AND ${approvedRow('a')}
     ORDER BY ${REGISTER_ORDER}`;
}

/**
 * Runs a `COPY … TO STDOUT` on a connection of its own from TypeORM's pool
 * (only pg's client runs a COPY stream) and hands its chunks to `consume` as
 * they arrive, so backpressure reaches the database. A COPY stopped early
 * (the consumer failed or left) leaves its connection unusable: it is
 * discarded, never returned to the pool.
 */
export async function* copyOut(db: DataSource, sql: string): AsyncGenerator<Buffer> {
  const client: PoolClient = await (db.driver as unknown as { master: Pool }).master.connect();
  const copy = client.query(copyTo(sql));
  let complete = false;
  try {
    for await (const chunk of copy as AsyncIterable<Buffer>) yield chunk;
    complete = true;
  } finally {
    if (!complete) copy.destroy();
    client.release(complete ? undefined : new Error('COPY stopped before its end'));
  }
}

/** The lines (households) a chunk of a COPY's output ends. */
export function countLines(chunk: Buffer): number {
  return afterLines(chunk, 0, Infinity).lines;
}

/**
 * Where the `max`-th line ending from `from` is (just after it), or the
 * chunk's end if fewer end there; and how many lines end before that.
 */
export function afterLines(
  chunk: Buffer,
  from: number,
  max: number,
): { end: number; lines: number } {
  let lines = 0;
  let i = from;
  while (lines < max) {
    const lf = chunk.indexOf(LF, i);
    if (lf === -1) return { end: chunk.length, lines };
    lines += 1;
    i = lf + 1;
  }
  return { end: i, lines };
}

/**
 * How many households the register of `filter` holds now: decides whether a
 * download is streamed at once or queued, and is the total a queued export's
 * progress is measured against.
 */
export async function countRegister(db: DataSource, filter: RegisterFilter): Promise<number> {
  const [row]: { n: number }[] = await db.query(
    `SELECT count(*)::int AS n FROM applications WHERE ${APPROVED_IN}`,
    [filter.campaignId, pathPrefixPattern(filter.regionPath)],
  );
  return row.n;
}
