import { DataSource } from 'typeorm';
import { AuthUser } from '@app/access';
import { Clock } from '@app/clock';
import { LIVE_STATUSES } from '@app/domain';
import { countTierTable, TierTable } from '@app/statistics';
import { HistoryRow, HistoryService, TransitionQueue } from '@app/workflow';
import {
  ChainTally,
  check,
  CheckLine,
  expectedTierTable,
  explainOutcome,
  tierTableDifferences,
  unexpectedHours,
} from './invariant-checks';
import { formatCount } from './progress';
import { SimRecord } from './season';
import { World } from './world';

const HISTORY_PAGE = 20_000;

export interface InvariantReport {
  lines: CheckLine[];
  /** Final status → why → households. */
  outcomes: Map<string, number>;
  tierTable: TierTable;
}

export interface InvariantDeps {
  db: DataSource;
  clock: Clock;
  queue: TransitionQueue;
  history: HistoryService;
}

/**
 * What must hold once the season has settled, read from PostgreSQL and Redis:
 * every household where its plan (or a refusal seen) put it; every history
 * chain valid; the tier table equal to the approved households and to the
 * simulator's own figures; no timer left due, no job left or failed; an alert
 * for exactly the reviews that ran late; archive numbers, memberships and
 * notices consistent.
 */
export async function checkInvariants(
  deps: InvariantDeps,
  world: World,
  records: readonly SimRecord[],
): Promise<InvariantReport> {
  const { db } = deps;
  const lines: CheckLine[] = [];
  const rows = await db.query<{ id: string; status: string }[]>(
    `SELECT id, status FROM applications WHERE campaign_id = $1`,
    [world.campaign.id],
  );
  const statuses = new Map(rows.map((r) => [r.id, r.status]));

  const outcomes = new Map<string, number>();
  const unexplained: string[] = [];
  for (const r of records) {
    const status = statuses.get(r.applicationId) ?? 'missing';
    const why = explainOutcome(r, status);
    const key = `${status.padEnd(9)} ${why ?? `UNEXPLAINED (plan: ${r.expected.fate}, ${r.expected.because})`}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (why === null && unexplained.length < 5)
      unexplained.push(`${r.applicationId} ${status}, plan ${r.expected.fate} (${r.expected.because}), refusals ${JSON.stringify(r.refusals)}`); // prettier-ignore
  }
  const unexplainedCount = [...outcomes.entries()]
    .filter(([k]) => k.includes('UNEXPLAINED'))
    .reduce((s, [, n]) => s + n, 0);
  lines.push(
    check(
      unexplainedCount === 0,
      'every household in a final or explained state',
      unexplainedCount === 0
        ? `${formatCount(records.length)} households, each as planned or refused for a stated reason`
        : `${unexplainedCount} unexplained, e.g. ${unexplained.join('; ')}`,
    ),
  );

  lines.push(await checkChains(deps, world));
  const tiers = await checkTierTable(deps, world, records, statuses, lines);
  lines.push(...(await checkTimersAndQueue(deps)));
  lines.push(await checkAlerts(db, records));
  lines.push(...(await checkRegister(db, world)));
  lines.push(await checkHours(db));
  return { lines, outcomes, tierTable: tiers };
}

async function checkChains(deps: InvariantDeps, world: World): Promise<CheckLine> {
  const tally = new ChainTally();
  let after = { id: '00000000-0000-0000-0000-000000000000', seq: 0 };
  for (;;) {
    const rows: HistoryRow[] = await deps.db.query(
      `SELECT * FROM application_history WHERE (application_id, seq) > ($1::uuid, $2::int)
        ORDER BY application_id, seq LIMIT $3`,
      [after.id, after.seq, HISTORY_PAGE],
    );
    if (rows.length === 0) break;
    tally.add(rows);
    const last = rows[rows.length - 1];
    after = { id: last.application_id, seq: last.seq };
  }
  tally.flush();
  // The service's own verify (GET …/history/verify) on a sample agrees with the bulk check.
  const admin: AuthUser = {
    id: world.bureau.id,
    username: 'simulator',
    name: 'simulator',
    role: 'admin',
    regionId: null,
    regionPath: null,
  };
  const sample: { application_id: string }[] = await deps.db.query(
    `SELECT DISTINCT application_id FROM application_history ORDER BY application_id LIMIT 20`,
  );
  const verified = await Promise.all(
    sample.map((s) => deps.history.verify(admin, s.application_id)),
  );
  const serviceValid = verified.filter((v) => v.valid).length;
  return check(
    tally.broken.length === 0 && serviceValid === sample.length,
    'history chains valid',
    `${formatCount(tally.valid)} chains, ${formatCount(tally.entries)} entries verified` +
      ` (HistoryService.verify on ${sample.length}: ${serviceValid} valid)` +
      (tally.broken.length ? `; BROKEN: ${JSON.stringify(tally.broken.slice(0, 5))}` : ''),
  );
}

async function checkTierTable(
  deps: InvariantDeps,
  world: World,
  records: readonly SimRecord[],
  statuses: ReadonlyMap<string, string>,
  lines: CheckLine[],
): Promise<TierTable> {
  const table = await countTierTable(deps.db, world.campaign, world.county, 'approved');
  const [{ approved, persons }]: { approved: number; persons: number }[] = await deps.db.query(
    `SELECT count(*)::int AS approved, coalesce(sum(persons), 0)::int AS persons
       FROM applications WHERE campaign_id = $1 AND status = 'approved'`,
    [world.campaign.id],
  );
  lines.push(
    check(
      table.total.households === approved &&
        table.total.persons === persons &&
        table.outsideTiers.households === 0,
      'tier table counts = approved households',
      `table ${formatCount(table.total.households)} households / ${formatCount(table.total.persons)} persons;` +
        ` approved rows ${formatCount(approved)} / ${formatCount(persons)}; outside tiers ${table.outsideTiers.households}`,
    ),
  );
  const mine = records.filter((r) => statuses.get(r.applicationId) === 'approved');
  const differences = tierTableDifferences(expectedTierTable(mine, world.campaign), table);
  lines.push(
    check(
      differences.length === 0,
      "tier table = the simulator's own figures",
      differences.length === 0
        ? `all ${table.incomeTiers.length * table.areaTiers.length} cells agree (declared figures with reviewers' corrections)`
        : differences.slice(0, 5).join('; '),
    ),
  );
  return table;
}

async function checkTimersAndQueue(deps: InvariantDeps): Promise<CheckLine[]> {
  const now = deps.clock.now();
  const [timers]: { due: number; pending: number; orphaned: number }[] = await deps.db.query(
    `SELECT count(*) FILTER (WHERE t.due_at <= $1)::int AS due,
            count(*)::int AS pending,
            count(*) FILTER (WHERE a.status NOT LIKE '%\\_review' AND a.status NOT LIKE '%\\_notice')::int AS orphaned
       FROM timers t JOIN applications a ON a.id = t.application_id
      WHERE t.fired_at IS NULL AND t.cancelled_at IS NULL`,
    [now],
  );
  const counts = await deps.queue.queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'failed',
    'prioritized',
  );
  const left = Object.values(counts).reduce((s, n) => s + n, 0);
  return [
    check(
      timers.due === 0 && timers.orphaned === 0,
      'no timer left due',
      `${timers.due} due by ${now.toISOString()}, ${timers.pending} pending, ${timers.orphaned} pending on a settled application`,
    ),
    check(left === 0, 'queue drained, no failed job', JSON.stringify(counts)),
  ];
}

async function checkAlerts(db: DataSource, records: readonly SimRecord[]): Promise<CheckLine> {
  const rows: { application_id: string; level: string }[] = await db.query(
    `SELECT application_id, level FROM alerts WHERE kind = 'overdue'`,
  );
  const actual = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.application_id}/${r.level}`;
    actual.set(key, (actual.get(key) ?? 0) + 1);
  }
  let expected = 0;
  let missing = 0;
  for (const r of records)
    for (const level of r.expectedAlerts) {
      expected += 1;
      const key = `${r.applicationId}/${level}`;
      const n = actual.get(key) ?? 0;
      if (n === 0) missing += 1;
      else actual.set(key, n - 1);
    }
  const unexpected = [...actual.values()].reduce((s, n) => s + n, 0);
  return check(
    missing === 0 && unexpected === 0,
    'an overdue alert for exactly each late review',
    `${formatCount(rows.length)} alerts, ${formatCount(expected)} expected; ${missing} missing, ${unexpected} unexpected`,
  );
}

async function checkRegister(db: DataSource, world: World): Promise<CheckLine[]> {
  // Numbered per county and year of approval: a 2025 survey's households approved in
  // January 2026 are numbered …-2026-000001 on (see docs/performance.md).
  const years: { year: string; approved: number; distinct: number; max: number }[] = await db.query(
    `SELECT coalesce(substring(archive_no from '-(\\d{4})-'), 'none') AS year, count(*)::int AS approved,
            count(DISTINCT archive_no)::int AS distinct,
            coalesce(max(substring(archive_no from '(\\d+)$')::int), 0) AS max
       FROM applications WHERE campaign_id = $1 AND approved_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [world.campaign.id],
  );
  const archiveOk = years.every((y) => y.year !== 'none' && y.distinct === y.approved && y.max === y.approved); // prettier-ignore
  const [members]: { claimed: number; persons: number }[] = await db.query(
    `SELECT (SELECT count(*)::int FROM live_memberships WHERE campaign_id = $1) AS claimed,
            (SELECT coalesce(sum(persons), 0)::int FROM applications
              WHERE campaign_id = $1 AND status = ANY($2::text[])) AS persons`,
    [world.campaign.id, LIVE_STATUSES],
  );
  const [notices]: { open: number; unresolved: number }[] = await db.query(
    `SELECT (SELECT count(*)::int FROM notices WHERE closed_at IS NULL) AS open,
            (SELECT count(*)::int FROM objections o JOIN notices n ON n.id = o.notice_id
              WHERE o.resolved_at IS NULL AND n.closed_at IS NULL) AS unresolved`,
  );
  return [
    check(
      archiveOk,
      'archive numbers 1…n per year, one per approval',
      years
        .map(
          (y) =>
            `${y.year}: ${formatCount(y.approved)} approved, ${formatCount(y.distinct)} distinct, highest ${y.max}`,
        )
        .join('; ') || 'none approved',
    ),
    check(
      members.claimed === members.persons,
      'live memberships = persons of live applications',
      `${formatCount(members.claimed)} claimed, ${formatCount(members.persons)} persons in live applications`,
    ),
    check(
      notices.open === 0 && notices.unresolved === 0,
      'no notice left open',
      `${notices.open} open notices, ${notices.unresolved} unresolved objections on open notices`,
    ),
  ];
}

async function checkHours(db: DataSource): Promise<CheckLine> {
  const rows: { type: string; hm: string; n: number }[] = await db.query(
    `SELECT type, to_char(at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') AS hm, count(*)::int AS n
       FROM application_history GROUP BY 1, 2`,
  );
  const wrong = unexpectedHours(rows);
  return check(
    wrong.length === 0,
    "every transition at the simulator's instant",
    wrong.length === 0
      ? 'commands at their hour, timers at midnight (no worker used a stale manual clock)'
      : wrong.join('; '),
  );
}
