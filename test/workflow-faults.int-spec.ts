import { Job, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { loadConfig } from '@app/config';
import { queueConnection, QUEUES } from '@app/queue';
import { TransitionQueue, TransitionWorker } from '@app/workflow';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';
import { waitUntil } from './support/wait';
import { readyDraft, setClock, workflowWorld, WorkflowWorld } from './support/workflow-fixture';

const count = async (t: TestApp, sql: string, params: unknown[]): Promise<number> =>
  Number((await t.db.query<{ n: string }[]>(sql, params))[0].n);

describe('faults of the transition queue', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  const extraWorkers: Worker[] = [];
  /** Ends the "dead" worker's hung processing, so nothing of it outlives this file. */
  let releaseCrashed: () => void = () => undefined;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    releaseCrashed();
    await Promise.all(extraWorkers.map((w) => w.close(true)));
    await t.close();
  });
  beforeEach(async () => {
    await resetDatabase(t);
    world = await workflowWorld(t);
  });

  async function submitted(): Promise<string> {
    const { id, token } = await readyDraft(t, world);
    await setClock(t, world.admin, '2025-09-26T10:00:00+08:00');
    await t
      .http()
      .post(`/api/applications/${id}/submit`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    return id;
  }

  it('applies a transition once when its worker dies between the commit and the job completing', async () => {
    const id = await submitted();
    const service = t.app.get(TransitionWorker);
    await service.stop();

    // This worker commits the transition, then "dies": it never reports completion and
    // stops renewing its lock, as when a process is killed right after COMMIT.
    let crashedRuns = 0;
    const crashing = service.createWorker(
      { lockDuration: 1000, lockRenewTime: 3_600_000, skipStalledCheck: true },
      (run) => async (job: Job) => {
        await run(job);
        crashedRuns += 1;
        return new Promise<void>((resolve) => {
          releaseCrashed = resolve;
        });
      },
    );
    extraWorkers.push(crashing);

    const queue = t.app.get(TransitionQueue);
    const actor = {
      userId: 'x',
      role: 'community_reviewer',
      name: world.community.name,
      regionPath: null,
    };
    const [reviewer]: { id: string; path: string }[] = await t.db.query(
      `SELECT u.id, r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.name = $1`,
      [world.community.name],
    );
    const job = await queue.queue.add(
      'decide',
      {
        applicationId: id,
        actor: { ...actor, userId: reviewer.id, regionPath: reviewer.path },
        decision: 'approve',
        opinion: '属实',
        signature: world.community.name,
      },
      { jobId: `decide-crash-${id}`, attempts: 3 },
    );
    await waitUntil(() => crashedRuns === 1, 20_000, 'the crashed run');
    void crashing.close(true);
    expect(
      await count(t, `SELECT count(*) AS n FROM command_results WHERE job_id = $1`, [job.id]),
    ).toBe(1);

    // Listening before the restarted worker exists: its completion cannot pass unheard.
    const { connection, prefix } = queueConnection(loadConfig(TEST_ENV));
    const events = new QueueEvents(QUEUES.transitions, { connection, prefix });
    await events.waitUntilReady();

    // The restarted worker finds the job stalled, runs it again, and answers the recorded outcome.
    let restartedRuns = 0;
    const restarted = service.createWorker(
      { lockDuration: 1000, stalledInterval: 300 },
      (run) =>
        async (j: Job): Promise<unknown> => {
          restartedRuns += 1;
          return (await run(j)) as unknown;
        },
    );
    extraWorkers.push(restarted);
    try {
      const outcome = (await job.waitUntilFinished(events, 25_000)) as { statusCode: number };
      expect(outcome.statusCode).toBe(200);
    } finally {
      await events.close();
    }
    expect(restartedRuns).toBeGreaterThanOrEqual(1);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM application_history WHERE application_id = $1 AND type = 'approve'`,
        [id],
      ),
    ).toBe(1);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM outbox WHERE application_id = $1 AND event = 'application.approve'`,
        [id],
      ),
    ).toBe(1);
    expect(
      await count(t, `SELECT count(*) AS n FROM notices WHERE application_id = $1`, [id]),
    ).toBe(1);
    const [app]: { status: string; version: number }[] = await t.db.query(
      `SELECT status, version FROM applications WHERE id = $1`,
      [id],
    );
    // Created at 1, submitted at 2, approved at 3: one transition, not two.
    expect(app).toEqual({ status: 'community_notice', version: 3 });
  });

  it('gives exactly one winner to 20 conflicting commands on one application', async () => {
    const id = await submitted();
    const decisions = ['approve', 'reject', 'return'] as const;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t
          .http()
          .post(`/api/applications/${id}/decisions`)
          .set('authorization', `Bearer ${world.community.token}`)
          .send({
            decision: decisions[i % 3],
            opinion: `第${i}次`,
            signature: world.community.name,
          }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM application_history WHERE application_id = $1 AND seq > 1`,
        [id],
      ),
    ).toBe(1);
  });

  it('applies a command whose job failed for good when it is repeated with the same Idempotency-Key', async () => {
    const { id, token } = await readyDraft(t, world);
    await setClock(t, world.admin, '2025-09-26T10:00:00+08:00');
    const service = t.app.get(TransitionWorker);
    await service.stop();
    // No worker of the tests before may take the job.
    await Promise.all(extraWorkers.splice(0).map((w) => w.close(true)));
    // Every attempt of the job fails, as when PostgreSQL stays down past its retries.
    const failing = service.createWorker({}, () => () => {
      throw new UnrecoverableError('PostgreSQL down (simulated)');
    });
    const send = () =>
      t
        .http()
        .post(`/api/applications/${id}/submit`)
        .set('authorization', `Bearer ${token}`)
        .set('idempotency-key', 'submit-once');
    const first = await send();
    await failing.close();
    const healthy = service.createWorker();
    let repeated: Awaited<ReturnType<typeof send>>;
    try {
      repeated = await send();
    } finally {
      await healthy.close();
    }

    expect([first.status, (first.body as { code?: string }).code]).toEqual([
      500,
      'TRANSITION_FAILED',
    ]);
    expect([repeated.status, (repeated.body as { status?: string }).status]).toEqual([
      200,
      'community_review',
    ]);
  });
});
