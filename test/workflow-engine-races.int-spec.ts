import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import { Application } from '@app/applications';
import { Clock } from '@app/clock';
import {
  lockApplication,
  TransitionEngine,
  TransitionQueue,
  TransitionRequest,
} from '@app/workflow';
import { familyBody } from './factories/applications.factory';
import { applicantActor, someoneWaitsOnALock } from './support/engine-jobs';
import { planCacheMode } from './support/plan-cache-mode';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import { readyDraftOf, workflowWorld, WorkflowWorld } from './support/workflow-fixture';

/**
 * The transition engine reads under the row lock in one statement and writes
 * in one statement with conditional parts (see TransitionEngine). These tests
 * make the races those parts exist for happen on purpose: another transaction
 * holds a conflicting row, uncommitted, until the engine waits on it.
 */
describe('transition engine under races', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  let engine: TransitionEngine;
  beforeAll(async () => {
    t = await createTestApp();
    engine = t.app.get(TransitionEngine);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    world = await workflowWorld(t);
  });

  const community = () => world.tree.towns[0].communities[0];

  /** A ready draft and the submit request its applicant's job would carry. */
  async function draftAndSubmit(body = familyBody(world.campaignId, community())) {
    const { id } = await readyDraftOf(t, body);
    const request: TransitionRequest = {
      jobId: `submit-${randomUUID()}`,
      applicationId: id,
      actor: await applicantActor(t, id),
      command: { type: 'submit' },
    };
    return { id, body, request };
  }

  /** What a transition changes; equal before and after means nothing was written. */
  async function footprint(id: string) {
    const [row]: Record<string, unknown>[] = await t.db.query(
      `SELECT a.status, a.version, a.history_length,
              (SELECT count(*)::int FROM application_history WHERE application_id = a.id) AS history,
              (SELECT count(*)::int FROM live_memberships WHERE application_id = a.id) AS members,
              (SELECT count(*)::int FROM timers WHERE application_id = a.id) AS timers,
              (SELECT count(*)::int FROM outbox WHERE application_id = a.id) AS outbox,
              (SELECT count(*)::int FROM audit_log WHERE target_id = a.id::text) AS audit
         FROM applications a WHERE a.id = $1`,
      [id],
    );
    return row;
  }

  /** Another transaction, left open with `sql` done, until the test commits it. */
  async function openTransaction(sql: string, params: unknown[]): Promise<QueryRunner> {
    const other = t.db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(sql, params);
    return other;
  }

  it('fires a timer whose job reaches a worker that has not heard of the clock move (manual clock)', async () => {
    const { id, request } = await draftAndSubmit();
    expect((await engine.apply(request)).statusCode).toBe(200);
    const [timer]: { id: string }[] = await t.db.query(
      `SELECT id FROM timers WHERE application_id = $1 AND fired_at IS NULL`,
      [id],
    );
    // The clock moves in PostgreSQL only: the message to this process is "lost".
    await t.db.query(
      `UPDATE manual_clock SET now = (SELECT due_at + interval '1 hour' FROM timers WHERE id = $1)`,
      [timer.id],
    );
    const before = t.app.get(Clock).now();
    const queue = t.app.get(TransitionQueue).queue;
    await queue.add(
      'reviewDeadline',
      { applicationId: id, timerId: timer.id },
      { jobId: timer.id },
    );

    for (let i = 0; i < 100 && (await queue.getJobState(timer.id)) !== 'completed'; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await queue.getJobState(timer.id)).toBe('completed');
    expect((await queue.getJob(timer.id))?.stacktrace ?? []).toEqual([]);
    expect(t.app.get(Clock).now().getTime()).toBeGreaterThan(before.getTime());
    const [history]: { types: string[] }[] = await t.db.query(
      `SELECT array_agg(type ORDER BY seq) AS types FROM application_history WHERE application_id = $1`,
      [id],
    );
    expect(history.types).toEqual(['submit', 'review_overdue']);
  });

  it('reads the locked row as the repository does (plain SQL mapped by the entity)', async () => {
    const { id, request } = await draftAndSubmit();
    expect((await engine.apply(request)).statusCode).toBe(200);
    const repositoryRead = await t.db.getRepository(Application).findOneByOrFail({ id });
    const locked = await t.db.transaction((tx) => lockApplication(tx, id, 'generic'));
    expect(locked).toEqual(repositoryRead);
    expect(locked).toBeInstanceOf(Application);
    expect(typeof locked!.householdIncomeFen).toBe('number');
    expect(locked!.historyLength).toBe(1);
  });

  it.each(['generic', 'custom'] as const)(
    "runs the rest of the lock's transaction on %s plans, and the next one as the session does",
    async (plans) => {
      const { id } = await draftAndSubmit();
      const runner = t.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        expect(await planCacheMode(runner)).toBe('force_custom_plan');
        expect((await lockApplication(runner.manager, id, plans))?.id).toBe(id);
        expect(await planCacheMode(runner)).toBe(`force_${plans}_plan`);
        await runner.commitTransaction();
        expect(await planCacheMode(runner)).toBe('force_custom_plan');
      } finally {
        await runner.release();
      }
    },
  );

  it('refuses a submission whose member another application claims while it is applied, and writes nothing', async () => {
    const { id, body, request } = await draftAndSubmit();
    const before = await footprint(id);
    const rival = await readyDraftOf(t, familyBody(world.campaignId, community()));
    // The rival's claim of the applicant, not committed yet: the engine's own read
    // does not see it (its assessment finds the member free), its claim waits on it.
    const racing = await openTransaction(
      `INSERT INTO live_memberships (campaign_id, id_number, application_id) VALUES ($1, $2, $3)`,
      [world.campaignId, body.members[0].idNumber, rival.id],
    );
    const applying = engine.apply(request);
    await someoneWaitsOnALock(t);
    await racing.commitTransaction();
    await racing.release();

    const outcome = await applying;
    expect(outcome.statusCode).toBe(409);
    expect(outcome.body).toMatchObject({ code: 'MEMBER_IN_OTHER_APPLICATION' });
    expect(await footprint(id)).toEqual(before);
  });

  it('rolls back a transition whose job another delivery answered meanwhile, and answers that', async () => {
    const { id, request } = await draftAndSubmit();
    const before = await footprint(id);
    // Another delivery of the same job recorded its refusal (outside any lock),
    // not committed yet: the engine reads no outcome, applies, and its own
    // outcome's insert waits on that row.
    const racing = await openTransaction(
      `INSERT INTO command_results (job_id, application_id, status_code, body) VALUES ($1, $2, 409, $3)`,
      [request.jobId, id, JSON.stringify({ code: 'RECORDED_FIRST' })],
    );
    const applying = engine.apply(request);
    await someoneWaitsOnALock(t);
    await racing.commitTransaction();
    await racing.release();

    expect(await applying).toEqual({ statusCode: 409, body: { code: 'RECORDED_FIRST' } });
    expect(await footprint(id)).toEqual(before);
  });
});
