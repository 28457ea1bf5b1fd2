import type { Pool, PoolClient } from 'pg';
import { escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { NO_HOUSING_TIER } from '@app/applications';
import { pathPrefixPattern } from './region-prefix';
import type { RegisterRecord } from './register-row';

export interface RegisterFilter {
  campaignId: string;
  /** The region's materialised path: every community under it is included. */
  regionPath: string;
}

const APPROVED_IN = `campaign_id = $1 AND region_path LIKE $2 AND status = 'approved'`;

/**
 * The approved households of the filter, as the one query both register files
 * come from: archive number order, the households without a number (never the
 * case for one approved through the workflow, which numbers it) after them by
 * id rather than left out. A COPY takes no parameters, so the two values are
 * quoted as literals (one is a validated UUID, the other a path of ids).
 */
export function approvedHouseholds(filter: RegisterFilter, columns: string): string {
  return `SELECT ${columns}
      FROM applications a JOIN regions r ON r.id = a.community_id
     WHERE a.campaign_id = ${escapeLiteral(filter.campaignId)}
       AND a.region_path LIKE ${escapeLiteral(pathPrefixPattern(filter.regionPath))}
       AND a.status = 'approved'
     ORDER BY a.archive_no NULLS LAST, a.id`;
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

// Text format: tab between fields, \N for NULL, backslash escapes in text.
const RECORD_COLUMNS = `a.archive_no, r.name, a.persons, a.household_income_fen,
  a.counted_area_centi, a.income_tier, a.area_tier`;

/**
 * Every approved household of the campaign in the region, in batches as the
 * COPY's chunks arrive (a few hundred rows each), in archive order. One
 * statement sees one moment (a household approved meanwhile is in no batch),
 * and nothing lives longer than its chunk, so memory stays flat however long
 * the register: only the columns the register shows are read (`household`,
 * with names and ID numbers, never is).
 */
export async function* registerBatches(
  db: DataSource,
  filter: RegisterFilter,
): AsyncGenerator<RegisterRecord[]> {
  let partial = '';
  for await (const chunk of copyOut(
    db,
    `COPY (${approvedHouseholds(filter, RECORD_COLUMNS)}) TO STDOUT`,
  )) {
    const text = partial + chunk.toString('utf8');
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    if (end < 0) continue;
    yield text.slice(0, end).split('\n').map(toRecord);
  }
  if (partial !== '') throw new Error('The register ended inside a line');
}

function toRecord(line: string): RegisterRecord {
  const [archiveNo, community, persons, income, area, incomeTier, areaTier] = line.split('\t');
  const tier = nullable(areaTier);
  return {
    archiveNo: nullable(archiveNo),
    community: unescapeText(community),
    persons: Number(persons),
    householdIncomeFen: Number(income),
    countedAreaCenti: Number(area),
    incomeTier: incomeTier === '\\N' ? null : Number(incomeTier),
    areaTier: tier === null ? null : Number(tier) === NO_HOUSING_TIER ? 'none' : Number(tier),
  };
}

function nullable(field: string): string | null {
  return field === '\\N' ? null : field;
}

/** COPY's text format escapes backslash, tab, newline and carriage return in text. */
function unescapeText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c,
  );
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
