import { randomUUID } from 'node:crypto';
import { Statement } from '@app/database';
import { cancelTimersStatement, closeNoticeStatement } from '@app/workflow';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The statements every transition runs by application must reach their rows
 * through an index on the application, whatever the statistics say. A table
 * that grew since it was last analysed (a new season; the first weeks of a
 * county) looks empty to the planner, which then costs a scan of every pending
 * timer or open notice as cheaply as a lookup, and picked it: a benchmark's
 * approvals each read 3,000 pending timers.
 *
 * Each test copies the table with its indexes as the migrations left them
 * (`LIKE … INCLUDING ALL`) into a temporary schema, fills it without
 * analysing it, and reads the plan. Everything is rolled back. The copies'
 * indexes are named after their columns (`timers_due_at_idx` is the copy of
 * `timers_pending_idx`).
 */
describe('plans of the per-application writes on unanalysed tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
  }, 60_000);
  afterAll(() => t.close());

  /** The plan of `statement` against a never-analysed copy of `table` holding `fill`'s rows. */
  async function planOnFreshCopy(
    table: 'timers' | 'notices',
    fill: string,
    statement: Statement,
  ): Promise<string> {
    const tx = t.db.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await tx.query(`CREATE SCHEMA plan_probe`);
      await tx.query(`CREATE TABLE plan_probe.${table} (LIKE public.${table} INCLUDING ALL)`);
      await tx.query(`SET LOCAL search_path = plan_probe`);
      await tx.query(fill);
      const rows: { 'QUERY PLAN': string }[] = await tx.query(
        `EXPLAIN ${statement.sql}`,
        statement.params,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await tx.rollbackTransaction();
      await tx.release();
    }
  }

  it("cancels an application's pending timers by its index, not the list of all pending ones", async () => {
    const plan = await planOnFreshCopy(
      'timers',
      `INSERT INTO timers (id, application_id, kind, level, due_at)
       SELECT 'review_deadline-' || g, gen_random_uuid(), 'review_deadline', 'community',
              now() + g * interval '1 minute'
         FROM generate_series(1, 3000) g`,
      cancelTimersStatement(randomUUID(), new Date(), 'review_deadline', null),
    );
    expect(plan).toMatch(/Index Cond: \(\(application_id = /);
    expect(plan).not.toContain('timers_due_at_idx'); // the copy of timers_pending_idx
  });

  it("closes an application's open notice by its index, not the board of all open notices", async () => {
    const plan = await planOnFreshCopy(
      'notices',
      `INSERT INTO notices (id, serial, campaign_id, application_id, level, region_path,
                            community_name, masked_name, persons, per_capita_area_centi,
                            income_tier, starts_at, ends_at)
       SELECT gen_random_uuid(), g, gen_random_uuid(), gen_random_uuid(), 'community', '/c/',
              '社区', '张*', 3, 500, 1, now(), now() + interval '5 days'
         FROM generate_series(1, 3000) g`,
      closeNoticeStatement(randomUUID(), new Date()),
    );
    expect(plan).toMatch(/Index Cond: \(application_id = /);
    expect(plan).not.toContain('notices_campaign_id_level_starts_at_idx'); // notices_board_idx
  });
});
