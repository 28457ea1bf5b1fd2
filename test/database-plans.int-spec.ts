import { randomUUID } from 'node:crypto';
import {
  Application,
  applicationWithSql,
  assessmentLookups,
  assessmentLookupsOfRow,
  VIEW_READ,
} from '@app/applications';
import { Campaign } from '@app/campaigns';
import { Statement, SWITCH_TO_GENERIC_PLANS } from '@app/database';
import { cancelTimersStatement, closeNoticeStatement, dueDeadlineTimerRead } from '@app/workflow';
import { createTestApp, TestApp } from './support/test-app';

/** A statement's value as an SQL literal (`EXECUTE` takes no placeholders from outside). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value))
    return literal(`{${value.map((v) => `"${literalText(v)}"`).join(',')}}`);
  return `'${literalText(value).replace(/'/g, "''")}'`;
}

function literalText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') throw new Error(`no literal for ${typeof value}`);
  return value;
}

type CopiedTable = 'timers' | 'notices' | 'live_memberships' | 'applications' | 'materials';

/**
 * The statements every transition runs by application must reach their rows
 * through an index on the application (or the membership's key), whatever the
 * statistics say, planned for their values or generic: a transition's
 * transaction runs on generic plans (SWITCH_TO_GENERIC_PLANS). A table
 * that grew since it was last analysed (a new season; the first weeks of a
 * county) looks empty to the planner, which then costs a scan of every pending
 * timer or open notice as cheaply as a lookup, and picked it: a benchmark's
 * approvals each read 3,000 pending timers.
 *
 * Each test copies the tables it reads by application with their indexes as
 * the migrations left them (`LIKE … INCLUDING ALL`) into a temporary schema,
 * fills them without analysing them, and reads the plan; the tables it does
 * not copy are read where they are. Everything is rolled back. The copies'
 * indexes are named after their columns (`timers_due_at_idx` is the copy of
 * `timers_pending_idx`).
 */
describe('plans of the per-application statements on unanalysed tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
  }, 60_000);
  afterAll(() => t.close());

  /**
   * The plan of `statement` against never-analysed copies of `tables` holding
   * `fill`'s rows: planned for its values, or generic (as in a transition's
   * transaction, see SWITCH_TO_GENERIC_PLANS: the values are then `$n` in the plan).
   */
  async function planOnFreshCopy(
    tables: CopiedTable | CopiedTable[],
    fill: string,
    statement: Statement,
    plans: 'custom' | 'generic',
  ): Promise<string> {
    const tx = t.db.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await tx.query(`CREATE SCHEMA plan_probe`);
      for (const table of [tables].flat())
        await tx.query(`CREATE TABLE plan_probe.${table} (LIKE public.${table} INCLUDING ALL)`);
      // The tables not copied are read where they are.
      await tx.query(`SET LOCAL search_path = plan_probe, public`);
      await tx.query(fill);
      // `EXPLAIN` of a statement with values plans it for them whatever the mode; the
      // generic plan is the one a prepared statement keeps, as a named one does.
      if (plans === 'generic') await tx.query(`SELECT ${SWITCH_TO_GENERIC_PLANS}`);
      await tx.query(`PREPARE plan_probe_statement AS ${statement.sql}`);
      const rows: { 'QUERY PLAN': string }[] = await tx.query(
        `EXPLAIN EXECUTE plan_probe_statement(${statement.params.map(literal).join(', ')})`,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await tx.rollbackTransaction();
      // A prepared statement outlives its transaction, and the connection goes back to the pool.
      await tx.query(`DEALLOCATE plan_probe_statement`).catch(() => undefined);
      await tx.release();
    }
  }

  /** The condition on the application as each kind of plan prints it: its value, or its placeholder. */
  const onApplication = { custom: `application_id = '`, generic: 'application_id = $1' };

  it.each(['custom', 'generic'] as const)(
    "cancels an application's pending timers by its index, not the list of all pending ones (%s plan)",
    async (plans) => {
      const plan = await planOnFreshCopy(
        'timers',
        `INSERT INTO timers (id, application_id, kind, level, due_at)
       SELECT 'review_deadline-' || g, gen_random_uuid(), 'review_deadline', 'community',
              now() + g * interval '1 minute'
         FROM generate_series(1, 3000) g`,
        cancelTimersStatement(randomUUID(), new Date(), 'review_deadline', null),
        plans,
      );
      expect(plan).toContain(`Index Cond: ((${onApplication[plans]}`);
      expect(plan).not.toContain('timers_due_at_idx'); // the copy of timers_pending_idx
    },
  );

  it.each(['custom', 'generic'] as const)(
    "finds an application's overdue review deadline by its index, not among every pending timer due (%s plan)",
    async (plans) => {
      const plan = await planOnFreshCopy(
        'timers',
        `INSERT INTO timers (id, application_id, kind, level, due_at)
         SELECT 'review_deadline-' || g, gen_random_uuid(), 'review_deadline', 'community',
                now() - g * interval '1 minute'
           FROM generate_series(1, 3000) g`,
        dueDeadlineTimerRead(randomUUID(), new Date()),
        plans,
      );
      expect(plan).toContain(`Index Cond: ((${onApplication[plans]}`);
      expect(plan).not.toContain('timers_due_at_idx'); // the copy of timers_pending_idx
    },
  );

  it.each(['custom', 'generic'] as const)(
    "closes an application's open notice by its index, not the board of all open notices (%s plan)",
    async (plans) => {
      const plan = await planOnFreshCopy(
        'notices',
        `INSERT INTO notices (id, serial, campaign_id, application_id, level, region_path,
                            community_name, masked_name, persons, per_capita_area_centi,
                            income_tier, starts_at, ends_at)
       SELECT gen_random_uuid(), g, gen_random_uuid(), gen_random_uuid(), 'community', '/c/',
              '社区', '张*', 3, 500, 1, now(), now() + interval '5 days'
         FROM generate_series(1, 3000) g`,
        closeNoticeStatement(randomUUID(), new Date()),
        plans,
      );
      expect(plan).toContain(`Index Cond: (${onApplication[plans]}`);
      expect(plan).not.toContain('notices_campaign_id_level_starts_at_idx'); // notices_board_idx
    },
  );

  it.each(['custom', 'generic'] as const)(
    'finds the members another application holds by the whole key, not among all the campaign’s (%s plan)',
    async (plans) => {
      const campaign = randomUUID();
      const idNumbers = ['110101199001011237', '11010119900101125X'];
      const { members_elsewhere } = assessmentLookups(
        {
          id: randomUUID(),
          communityId: randomUUID(),
          household: {
            members: idNumbers.map((idNumber) => ({ idNumber, hukouCommunityId: randomUUID() })),
          },
        } as unknown as Parameters<typeof assessmentLookups>[0],
        { id: campaign, countyId: randomUUID() } as Campaign,
      );
      const plan = await planOnFreshCopy(
        'live_memberships',
        `INSERT INTO live_memberships (campaign_id, id_number, application_id)
         SELECT '${campaign}', lpad(g::text, 18, '0'), gen_random_uuid()
           FROM generate_series(1, 3000) g`,
        members_elsewhere,
        plans,
      );
      expect(plan).toMatch(/Index Cond: \(\(campaign_id = .*\) AND \(id_number = /);
    },
  );

  it.each(['custom', 'generic'] as const)(
    'finds them by the whole key too when the members come from the row itself, as GET application reads them (%s plan)',
    async (plans) => {
      const { members_elsewhere } = assessmentLookupsOfRow('a');
      const plan = await planOnFreshCopy(
        'live_memberships',
        `INSERT INTO live_memberships (campaign_id, id_number, application_id)
         SELECT gen_random_uuid(), lpad(g::text, 18, '0'), gen_random_uuid()
           FROM generate_series(1, 3000) g`,
        {
          sql: `SELECT (${members_elsewhere}) AS members_elsewhere
                  FROM public.applications a WHERE a.id = $1`,
          params: [randomUUID()],
        },
        plans,
      );
      expect(plan).toMatch(/Index Cond: \(\(campaign_id = a\.campaign_id\) AND \(id_number = /);
    },
  );

  it('reads GET application by keys only on its generic plan: the row by its id, its materials by application', async () => {
    const plan = await planOnFreshCopy(
      ['applications', 'materials'],
      `INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
                                 household, persons, household_income_fen, counted_area_centi, eligible)
       SELECT gen_random_uuid(), gen_random_uuid(), '/c/' || g, gen_random_uuid(),
              '{"members": []}', 1, 0, 0, true
         FROM generate_series(1, 3000) g;
       INSERT INTO materials (application_id, type, content_type, size, sha256, storage_key, uploaded_by)
       SELECT id, 'hukou_book', 'application/pdf', 1, repeat('0', 64), id::text, applicant_user_id
         FROM applications`,
      { sql: applicationWithSql(t.db.getMetadata(Application), VIEW_READ), params: [randomUUID()] },
      'generic',
    );
    expect(plan).toMatch(
      /Index Scan using \w+ on applications a\s+\(.*\)\n\s+Index Cond: \(id = \$1\)/,
    );
    expect(plan).toMatch(/Index Cond: \(application_id = a\.id\)/);
    expect(plan).not.toMatch(/Seq Scan on (applications|materials)\b/);
  });
});
