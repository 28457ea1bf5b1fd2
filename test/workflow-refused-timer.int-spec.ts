import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { raiseRefusedTimerAlert, TransitionQueue } from '@app/workflow';
import { familyBody, setClock } from './factories/applications.factory';
import { createCampaign } from './factories/campaigns.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';
import { decide, draftIn, readyDraftOf, submit, workflowWorld } from './support/workflow-fixture';

/**
 * A timer whose firing is refused (here: a notice end for an application that
 * is no notice; in the field, a next deadline in a year the official calendar
 * does not cover yet) stays pending, and moving the manual clock still
 * returns: it used to retry that timer forever.
 */
describe('a refused timer under the manual clock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  /** A notice end due before the clock's next move, for a draft: no notice runs, so it is refused. */
  const refusedTimer = (id: string, applicationId: string) =>
    t.db.query(
      `INSERT INTO timers (id, application_id, kind, level, due_at)
       VALUES ($1, $2, 'notice_end', 'community', '2025-09-01T10:00:00+08:00')`,
      [id, applicationId],
    );

  it('is left pending and the clock moves on', async () => {
    const world = await workflowWorld(t);
    const { draft } = await draftIn(t, world);
    await refusedTimer('notice_end-refused', draft.id);

    await setClock(t, world.admin, '2025-09-02T09:00:00+08:00');

    const [timer]: { fired_at: Date | null }[] = await t.db.query(
      `SELECT fired_at FROM timers WHERE id = 'notice_end-refused'`,
    );
    expect(timer.fired_at).toBeNull();
    const [app]: { status: string }[] = await t.db.query(
      `SELECT status FROM applications WHERE id = $1`,
      [draft.id],
    );
    expect(app.status).toBe('draft');
  }, 30_000);

  it('answers a batch of timer jobs in order, a recorded one without queueing it again', async () => {
    const world = await workflowWorld(t);
    const { draft } = await draftIn(t, world);
    await refusedTimer('notice_end-batch-refused', draft.id);
    await t.db.query(
      `INSERT INTO command_results (job_id, application_id, status_code, body)
       VALUES ('notice_end-batch-answered', $1, 200, '{}')`,
      [draft.id],
    );
    await setClock(t, world.admin, '2025-09-02T09:00:00+08:00');
    const queue = t.app.get(TransitionQueue);
    const job = (timerId: string) => ({
      name: 'noticeEnd' as const,
      data: { applicationId: draft.id, timerId },
      jobId: timerId,
    });

    const statuses = await queue.runMany([
      job('notice_end-batch-answered'),
      job('notice_end-batch-refused'),
    ]);

    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    expect(await queue.queue.getJob('notice_end-batch-answered')).toBeUndefined();
    expect(await queue.queue.getJob('notice_end-batch-refused')).toBeDefined();
    expect(await queue.runMany([])).toEqual([]);
  }, 30_000);
});

/**
 * The case in the field: a community notice ending in late December forwards
 * the application to its town, whose 10 working days reach into a year the
 * official calendar does not hold yet. The firing is refused and the timer
 * stays pending; once the county drops in that year's arrangement
 * (OFFICIAL_CALENDAR_FILE) and restarts, the same timer fires. Its refusal
 * had been recorded under the timer's job id and answered every later
 * attempt, so the application stayed in its notice for good.
 */
describe('a timer refused for a year the calendar lacked, once the year is added', () => {
  const approvedAt = '2026-12-21T10:00:00+08:00'; // notice: Dec 22-26, to the next working day
  const afterNotice = '2026-12-30T09:00:00+08:00';
  let before: TestApp | undefined;
  let after: TestApp | undefined;
  afterAll(async () => {
    await before?.close();
    await after?.close();
  });

  it('is refused with CALENDAR_DATA_MISSING, left pending, and fires on the first move after the restart', async () => {
    before = await createTestApp();
    await resetDatabase(before);
    const admin = await adminToken(before);
    await setClock(before, admin, '2026-12-01T09:00:00+08:00');
    const tree = await createRegionTree(before, admin, 1, 1);
    const community = tree.towns[0].communities[0];
    const campaignId = (
      await createCampaign(before, admin, tree.countyId, {
        referenceIncome: 20000,
        opensOn: '2026-12-01',
        closesOn: '2026-12-31',
        reportDueOn: '2026-12-31',
      })
    ).id;
    const reviewer = {
      token: (await createStaff(before, admin, 'community_reviewer', community, '赵社区')).token,
      name: '赵社区',
    };
    const { id, token } = await readyDraftOf(before, familyBody(campaignId, community));
    await setClock(before, admin, '2026-12-18T09:00:00+08:00');
    expect((await submit(before, id, token)).status).toBe(200);
    await setClock(before, admin, approvedAt);
    expect((await decide(before, reviewer, id, 'approve')).status).toBe(200);
    const [timer]: { id: string }[] = await before.db.query(
      `SELECT id FROM timers WHERE application_id = $1 AND kind = 'notice_end' AND fired_at IS NULL`,
      [id],
    );

    await setClock(before, admin, afterNotice);
    const refused = await recorded(before, timer.id);
    expect(refused).toEqual({ status_code: 422, code: 'CALENDAR_DATA_MISSING' });
    expect(await statusOf(before, id)).toBe('community_notice');
    // The job failed: the reconcile's pass over overdue timers gives such a job fresh attempts,
    // a few minutes after its refusal (not at every worker's every pass).
    const queue = before.app.get(TransitionQueue);
    expect(await queue.queue.getJobState(timer.id)).toBe('failed');
    const job = await queue.queue.getJob(timer.id);
    expect(job?.failedReason).toBe('timer refused: 422 CALENDAR_DATA_MISSING');
    expect(
      await queue.retryFailed(timer.id, { refusedBefore: new Date(Date.now() - 60_000) }),
    ).toBe(false);
    expect(await queue.queue.getJobState(timer.id)).toBe('failed');
    // Refused again on a later move while the year is still lacking, and the move returns.
    await setClock(before, admin, '2026-12-30T10:00:00+08:00');
    expect(await statusOf(before, id)).toBe('community_notice');
    expect(await queue.queue.getJobState(timer.id)).toBe('failed');
    // The administrators are alerted once, however often the timer is refused again;
    // the reviewers' alerts are for overdue reviews of their own level.
    const refusalAlert = {
      applicationId: id,
      kind: 'timer_refused',
      level: 'community',
      toLevel: 'admin',
      message: expect.stringMatching(
        /^社区公示期满（2026-12-29T00:00:00\+08:00）后的处理未能执行：CALENDAR_DATA_MISSING /,
      ),
      at: '2026-12-30T09:00:00+08:00',
      acknowledgement: null,
    };
    expect(await alertsSeen(before, admin)).toEqual([{ id: expect.any(String), ...refusalAlert }]);
    expect(await alertsSeen(before, reviewer.token)).toEqual([]);
    // Two deliveries of the job refused at once (a lost lock), for another reason even:
    // still the one alert.
    const otherRefusal = {
      statusCode: 422,
      body: { code: 'SOMETHING_ELSE', message: 'refused again' },
    };
    await Promise.all(
      [0, 1].map(() =>
        raiseRefusedTimerAlert(before!.app.get(DataSource), timer.id, otherRefusal, new Date()),
      ),
    );
    expect(await alertsSeen(before, admin)).toEqual([{ id: expect.any(String), ...refusalAlert }]);
    // Among a season's thousands of overdue alerts, found by kind.
    expect(await alertsSeen(before, admin, { kind: 'timer_refused' })).toHaveLength(1);
    expect(await alertsSeen(before, admin, { kind: 'overdue' })).toEqual([]);
    const unknownKind = await before.http().get('/api/alerts?kind=late').set(bearer(admin));
    expectError(unknownKind, 400, 'VALIDATION_FAILED');
    await before.close();
    before = undefined;

    after = await createTestApp({ OFFICIAL_CALENDAR_FILE: calendarWith2027() });
    await setClock(after, await adminToken(after), '2026-12-30T11:00:00+08:00');
    expect(await statusOf(after, id)).toBe('town_review');
    expect(await recorded(after, timer.id)).toEqual({ status_code: 200, code: null });
    const [fired]: { fired_at: Date | null }[] = await after.db.query(
      `SELECT fired_at FROM timers WHERE id = $1`,
      [timer.id],
    );
    expect(fired.fired_at).not.toBeNull();
    // Applied at last: the alert stays, as the record of the days the application waited.
    expect(await alertsSeen(after, await adminToken(after))).toEqual([
      { id: expect.any(String), ...refusalAlert },
    ]);
  }, 90_000);
});

async function alertsSeen(
  t: TestApp,
  token: string,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const res = await t.http().get('/api/alerts').query(query).set(bearer(token));
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>[];
}

async function recorded(t: TestApp, jobId: string) {
  const [row]: { status_code: number; code: string | null }[] = await t.db.query(
    `SELECT status_code, body->>'code' AS code FROM command_results WHERE job_id = $1`,
    [jobId],
  );
  return row;
}

async function statusOf(t: TestApp, id: string): Promise<string> {
  const [row]: { status: string }[] = await t.db.query(
    `SELECT status FROM applications WHERE id = $1`,
    [id],
  );
  return row.status;
}

/** A made-up 2027 (weekends, and New Year's Day), as a county would drop in the State Council's notice. */
function calendarWith2027(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'calendar-')), 'official-2027.json');
  writeFileSync(
    path,
    JSON.stringify({ holidays: { '2027-01-01': "New Year's Day,元旦,1" }, workdays: {} }),
  );
  return path;
}
