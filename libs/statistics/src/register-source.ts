import type { DataSource, QueryRunner } from 'typeorm';
import { NO_HOUSING_TIER } from '@app/applications';
import { pathPrefixPattern } from './region-prefix';
import type { RegisterRecord } from './register-row';

/** Rows fetched per query: large enough that round trips cost little, small enough to hold. */
export const REGISTER_BATCH_SIZE = 5000;

export interface RegisterFilter {
  campaignId: string;
  /** The region's materialised path: every community under it is included. */
  regionPath: string;
}

interface RegisterDbRow {
  /** Selected only where it is the key (households without an archive number). */
  id?: string;
  archive_no: string | null;
  community_id: string;
  persons: number;
  household_income_fen: string;
  counted_area_centi: number;
  income_tier: number | null;
  area_tier: number | null;
}

// Only the columns the register shows (and the key): `household` (names, ID numbers) is never read.
const COLUMNS = `archive_no, community_id, persons, household_income_fen, counted_area_centi,
  income_tier, area_tier`;
const APPROVED_IN = `campaign_id = $1 AND region_path LIKE $2 AND status = 'approved'`;

/**
 * Keyset pagination: each batch starts after the last key of the one before,
 * on an index, so every batch costs the same however deep into the register it
 * is (an OFFSET would re-read every row before it). Households with an archive
 * number come first in its order; one approved without a number (never the case
 * for an application approved through the workflow, which numbers it) follows,
 * in id order, rather than being left out.
 */
const PAGES = [
  {
    first: `SELECT ${COLUMNS} FROM applications
             WHERE ${APPROVED_IN} AND archive_no IS NOT NULL ORDER BY archive_no LIMIT $3`,
    next: `SELECT ${COLUMNS} FROM applications
            WHERE ${APPROVED_IN} AND archive_no > $4 ORDER BY archive_no LIMIT $3`,
    key: (row: RegisterDbRow) => row.archive_no,
  },
  {
    first: `SELECT id, ${COLUMNS} FROM applications
             WHERE ${APPROVED_IN} AND archive_no IS NULL ORDER BY id LIMIT $3`,
    next: `SELECT id, ${COLUMNS} FROM applications
            WHERE ${APPROVED_IN} AND archive_no IS NULL AND id > $4 ORDER BY id LIMIT $3`,
    key: (row: RegisterDbRow) => row.id,
  },
];

/**
 * Every approved household of the campaign in the region, in batches of
 * `batchSize`, ordered by archive number. The next batch is fetched while one
 * is consumed, and no further one until it has been, so a consumer that waits
 * for its receiver holds two batches at most, however long the register. One
 * connection, one read-only REPEATABLE READ transaction: every batch sees the same moment, so
 * a household approved during the export is in no batch rather than in two.
 */
export async function* registerBatches(
  db: DataSource,
  filter: RegisterFilter,
  batchSize = REGISTER_BATCH_SIZE,
): AsyncGenerator<RegisterRecord[]> {
  const runner = db.createQueryRunner();
  await runner.connect();
  let next: Promise<RegisterDbRow[]> | undefined;
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    const communities = await communityNames(runner, filter.regionPath);
    const params = [filter.campaignId, pathPrefixPattern(filter.regionPath), batchSize];
    for (const page of PAGES) {
      let rows = await select<RegisterDbRow>(runner, page.first, params);
      while (rows.length > 0) {
        // The next batch is on its way while this one is consumed (at most two are held).
        next =
          rows.length < batchSize
            ? undefined
            : select<RegisterDbRow>(runner, page.next, [
                ...params,
                page.key(rows[rows.length - 1]),
              ]);
        // Handled here too: were it to fail while the consumer is busy, it must
        // not be an unhandled rejection; `await next` below still throws it.
        next?.catch(() => undefined);
        yield rows.map((row) => toRecord(row, communities));
        if (!next) break;
        rows = await next;
        next = undefined;
      }
    }
    await runner.commitTransaction();
  } finally {
    // A consumer that stopped early (the client left) may leave a batch in flight.
    await next?.catch(() => undefined);
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
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

async function communityNames(
  runner: QueryRunner,
  regionPath: string,
): Promise<Map<string, string>> {
  const rows = await select<{ id: string; name: string }>(
    runner,
    `SELECT id, name FROM regions WHERE path LIKE $1 AND level = 'community'`,
    [pathPrefixPattern(regionPath)],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** QueryRunner.query answers `any`; the rows' shape is the SELECT's. */
function select<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  return runner.query(sql, params) as Promise<T[]>;
}

function toRecord(row: RegisterDbRow, communities: ReadonlyMap<string, string>): RegisterRecord {
  return {
    archiveNo: row.archive_no,
    community: communities.get(row.community_id) ?? '',
    persons: row.persons,
    householdIncomeFen: Number(row.household_income_fen),
    countedAreaCenti: row.counted_area_centi,
    incomeTier: row.income_tier,
    areaTier: row.area_tier === NO_HOUSING_TIER ? 'none' : row.area_tier,
  };
}
