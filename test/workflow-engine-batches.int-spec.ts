import { randomUUID } from 'node:crypto';
import { CampaignsService } from '@app/campaigns';
import type { JobOutcome } from '@app/queue';
import { TimerNotDue, TransitionEngine, TransitionRequest } from '@app/workflow';
import { familyBody } from './factories/applications.factory';
import { applicantActor, someoneWaitsOnALock } from './support/engine-jobs';
import { createTestApp, reloadManualClock, resetDatabase, TestApp } from './support/test-app';
import {
  decide,
  draftIn,
  readyDraftOf,
  setClock,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

interface Row {
  id: string;
  status: string;
  version: number;
  historyLength: number;
  archiveNo: string | null;
  xmin: string;
  history: number;
  members: number;
}

/**
 * A worker applies the jobs it holds in batches, one transaction each
 * (TransitionEngine.applyBatch). A batch must answer every job as `apply`
 * alone would, commit all of what it applies or none, and leave a refused or
 * surprised job to `apply`.
 */
describe('transition engine: jobs applied in batches', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  let engine: TransitionEngine;
  beforeAll(async () => {
    t = await createTestApp();
    engine = t.app.get(TransitionEngine);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());
  beforeEach(async () => {
    await resetDatabase(t);
    world = await workflowWorld(t);
  });

  const community = () => world.tree.towns[0].communities[0];

  function applicantJob(
    id: string,
    actor: TransitionRequest['actor'],
    type: 'submit' | 'withdraw' = 'submit',
  ): TransitionRequest {
    return { jobId: `${type}-${randomUUID()}`, applicationId: id, actor, command: { type } };
  }

  /** A ready draft (every material uploaded) and its submission's job. */
  async function readyToSubmit(body = familyBody(world.campaignId, community())) {
    const { id } = await readyDraftOf(t, body);
    return { id, body, request: applicantJob(id, await applicantActor(t, id)) };
  }

  /** The applications' rows: written by one transaction exactly when their xmin is one. */
  async function rows(ids: string[]): Promise<Row[]> {
    const found: Row[] = await t.db.query(
      `SELECT a.id, a.status, a.version, a.history_length AS "historyLength", a.archive_no AS "archiveNo",
              a.xmin::text AS xmin,
              (SELECT count(*)::int FROM application_history h WHERE h.application_id = a.id) AS history,
              (SELECT count(*)::int FROM live_memberships m WHERE m.application_id = a.id) AS members
         FROM applications a WHERE a.id = ANY($1::uuid[]) ORDER BY a.id`,
      [ids],
    );
    return found;
  }

  async function recorded(jobId: string): Promise<JobOutcome | null> {
    const [row]: { status_code: number; body: unknown }[] = await t.db.query(
      `SELECT status_code, body FROM command_results WHERE job_id = $1`,
      [jobId],
    );
    return row ? { statusCode: row.status_code, body: row.body } : null;
  }

  function answered(result: PromiseSettledResult<JobOutcome>): JobOutcome {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  it('applies a batch in one transaction and answers each job as it recorded it', async () => {
    const jobs = await Promise.all([readyToSubmit(), readyToSubmit(), readyToSubmit()]);
    const alone = jest.spyOn(engine, 'apply');
    const results = await engine.applyBatch(jobs.map((j) => j.request));
    expect(alone).not.toHaveBeenCalled();

    for (const [i, result] of results.entries()) {
      const outcome = answered(result);
      expect(outcome.statusCode).toBe(200);
      expect(outcome.body).toMatchObject({
        id: jobs[i].id,
        status: 'community_review',
        version: 2,
      });
      expect(await recorded(jobs[i].request.jobId)).toEqual(JSON.parse(JSON.stringify(outcome)));
    }
    const after = await rows(jobs.map((j) => j.id));
    expect(after.map((r) => [r.status, r.history, r.historyLength])).toEqual(
      Array(3).fill(['community_review', 1, 1]),
    );
    expect(new Set(after.map((r) => r.xmin)).size).toBe(1);
  });

  it('leaves a refused job out: the others commit together, its refusal is recorded and it writes nothing', async () => {
    const [first, second] = await Promise.all([readyToSubmit(), readyToSubmit()]);
    const { draft } = await draftIn(t, world); // no material uploaded
    const refused = applicantJob(draft.id, await applicantActor(t, draft.id));
    const before = await rows([draft.id]);

    const alone = jest.spyOn(engine, 'apply');
    const results = await engine.applyBatch([first.request, refused, second.request]);
    expect(alone.mock.calls).toEqual([[refused]]);

    expect(answered(results[0]).statusCode).toBe(200);
    expect(answered(results[1])).toMatchObject({
      statusCode: 422,
      body: { code: 'NOT_SUBMITTABLE' },
    });
    expect(answered(results[2]).statusCode).toBe(200);
    expect(await recorded(refused.jobId)).toMatchObject({ statusCode: 422 });
    expect(await rows([draft.id])).toEqual(before);
    const applied = await rows([first.id, second.id]);
    expect(applied[0].xmin).toBe(applied[1].xmin);
  });

  it('rolls the whole batch back when a member is claimed under its write, then applies each job alone', async () => {
    const first = await readyToSubmit();
    const second = await readyToSubmit();
    const rival = await readyDraftOf(t, familyBody(world.campaignId, community()));
    // The rival's claim of the second's applicant, not committed yet: the batch's read
    // finds the member free, and its claim waits on the rival's row.
    const racing = t.db.createQueryRunner();
    await racing.connect();
    await racing.startTransaction();
    await racing.query(
      `INSERT INTO live_memberships (campaign_id, id_number, application_id) VALUES ($1, $2, $3)`,
      [world.campaignId, second.body.members[0].idNumber, rival.id],
    );
    const alone = jest.spyOn(engine, 'apply');
    const applying = engine.applyBatch([first.request, second.request]);
    await someoneWaitsOnALock(t);
    await racing.commitTransaction();
    await racing.release();

    const [one, two] = await applying;
    // Both applied again alone: the batch was rolled back, not the second left out.
    expect(alone.mock.calls).toEqual([[first.request], [second.request]]);
    expect(answered(one)).toMatchObject({ statusCode: 200, body: { status: 'community_review' } });
    expect(answered(two)).toMatchObject({
      statusCode: 409,
      body: { code: 'MEMBER_IN_OTHER_APPLICATION' },
    });
    const [applied] = await rows([first.id]);
    expect(applied).toMatchObject({ status: 'community_review', history: 1, version: 2 });
    expect(await rows([second.id])).toMatchObject([
      { status: 'draft', history: 0, version: 1, members: 0 },
    ]);
  });

  it('rolls the batch back when two of its jobs claim one member, then refuses the second alone', async () => {
    const first = await readyToSubmit();
    const body = familyBody(world.campaignId, community());
    // The son of both households (the father owns the home: he stays each one's own).
    body.members[2].idNumber = first.body.members[2].idNumber;
    const second = await readyToSubmit(body);
    // Both staged from reads made before either wrote: the second's claim of the
    // member the first claimed fails its write, and with it the batch.
    const alone = jest.spyOn(engine, 'apply');
    const [one, two] = await engine.applyBatch([first.request, second.request]);

    expect(alone.mock.calls).toEqual([[first.request], [second.request]]);
    expect(answered(one)).toMatchObject({ statusCode: 200, body: { status: 'community_review' } });
    expect(answered(two)).toMatchObject({
      statusCode: 409,
      body: { code: 'MEMBER_IN_OTHER_APPLICATION' },
    });
    expect(await rows([second.id])).toMatchObject([{ status: 'draft', history: 0, members: 0 }]);
  });

  it('applies a second job for an application of the batch after the first, alone', async () => {
    const { id, request } = await readyToSubmit();
    const other = await readyToSubmit();
    const withdrawal = applicantJob(id, request.actor, 'withdraw');

    const results = await engine.applyBatch([request, withdrawal, other.request]);

    expect(answered(results[0]).body).toMatchObject({ status: 'community_review' });
    expect(answered(results[1]).body).toMatchObject({ status: 'withdrawn' });
    expect(answered(results[2]).body).toMatchObject({ status: 'community_review' });
    const history: { types: string[] }[] = await t.db.query(
      `SELECT array_agg(type ORDER BY seq) AS types FROM application_history WHERE application_id = $1`,
      [id],
    );
    expect(history[0].types).toEqual(['submit', 'withdraw']);
  });

  it('answers a job delivered again from its record, and writes nothing more for it', async () => {
    const done = await readyToSubmit();
    const first = await engine.apply(done.request);
    const other = await readyToSubmit();

    const results = await engine.applyBatch([done.request, other.request]);

    expect(answered(results[0])).toEqual(JSON.parse(JSON.stringify(first)));
    expect(answered(results[1]).statusCode).toBe(200);
    expect(await rows([done.id])).toMatchObject([{ version: 2, history: 1 }]);
  });

  it('gives a timer job that is not due yet back as TimerNotDue, and commits the others', async () => {
    const submitted = await readyToSubmit();
    await engine.apply(submitted.request);
    const [deadline]: { id: string }[] = await t.db.query(
      `SELECT id FROM timers WHERE application_id = $1 AND kind = 'review_deadline'`,
      [submitted.id],
    );
    const other = await readyToSubmit();
    const early: TransitionRequest = {
      jobId: deadline.id,
      applicationId: submitted.id,
      actor: null,
      timerId: deadline.id,
    };

    const [timer, submission] = await engine.applyBatch([early, other.request]);

    expect(timer.status).toBe('rejected');
    expect((timer as PromiseRejectedResult).reason).toBeInstanceOf(TimerNotDue);
    expect(answered(submission).statusCode).toBe(200);
    expect(await rows([submitted.id])).toMatchObject([{ status: 'community_review', version: 2 }]);
    expect(await recorded(deadline.id)).toBeNull();
  });

  it("numbers each approval of a batch from its county's counter, one after another", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id, request } = await readyToSubmit();
      expect((await engine.apply(request)).statusCode).toBe(200);
      ids.push(id);
    }
    // Through the community's and the town's notices by the API; the bureau's approval last.
    let noticeEnd = '';
    for (const reviewer of [world.community, world.town, world.bureau]) {
      for (const id of ids) {
        const res = await decide(t, reviewer, id, 'approve');
        expect(res.status).toBe(200);
        noticeEnd = (res.body as { noticeEndsAt: string }).noticeEndsAt;
      }
      if (reviewer !== world.bureau) await setClock(t, world.admin, noticeEnd);
    }
    // The bureau's notices end, on this process's clock only: no job is queued for them,
    // and one second past due is too early for the reconciler's look at overdue timers.
    await t.db.query(`UPDATE manual_clock SET now = $1::timestamptz + interval '1 second'`, [
      noticeEnd,
    ]);
    await reloadManualClock(t);
    const timers: { id: string; application_id: string }[] = await t.db.query(
      `SELECT id, application_id FROM timers
        WHERE application_id = ANY($1::uuid[]) AND kind = 'notice_end' AND fired_at IS NULL`,
      [ids],
    );
    expect(timers).toHaveLength(3);

    const results = await engine.applyBatch(
      timers.map((timer) => ({
        jobId: timer.id,
        applicationId: timer.application_id,
        actor: null,
        timerId: timer.id,
      })),
    );

    for (const result of results)
      expect(answered(result).body).toMatchObject({ status: 'approved' });
    const approved = await rows(ids);
    expect(new Set(approved.map((r) => r.xmin)).size).toBe(1);
    const serials = approved.map((r) => Number(r.archiveNo!.split('-').at(-1))).sort();
    expect(serials).toEqual([1, 2, 3]);
  });

  it('reads a campaign it has not cached in its own transaction: a deadlock through it is one PostgreSQL breaks', async () => {
    const { id, request } = await readyToSubmit();
    // As in a process just started: the campaign is not in memory.
    const campaigns: unknown = t.app.get(CampaignsService);
    (campaigns as { known: Map<string, unknown> }).known.clear();
    // Another transaction takes the campaigns, then asks for the applications the
    // batch holds (a migration's locks, or a test's TRUNCATE, taken one by one).
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      // Unseen by PostgreSQL, the deadlock would end only here.
      await other.query(`SET LOCAL lock_timeout = '5s'`);
      await other.query(`LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE`);
      const results = engine.applyBatch([request]);
      await someoneWaitsOnALock(t);
      const second = await other.query(`LOCK TABLE applications IN ACCESS EXCLUSIVE MODE`).then(
        () => 'granted',
        (e: { driverError?: { code?: string } }) => e.driverError?.code ?? 'no code',
      );
      // PostgreSQL saw the cycle and ended one side (the batch's, or this one's):
      // not a lock timeout.
      expect(['granted', '40P01']).toContain(second);
      await other.rollbackTransaction();

      let [outcome] = await results;
      if (outcome.status === 'rejected') {
        // The side PostgreSQL ended: a transient failure, which the worker's job is
        // tried again for (BullMQ's back-off), as here.
        expect((outcome.reason as { driverError?: { code?: string } }).driverError?.code).toBe(
          '40P01',
        );
        [outcome] = await engine.applyBatch([request]);
      }
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } });
      expect(await rows([id])).toMatchObject([{ status: 'community_review', history: 1 }]);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  }, 30_000);
});
