import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { queueConnection, QUEUES } from '@app/queue';
import { TimerScheduler, TransitionQueue, TransitionWorker } from '@app/workflow';
import { updateReturning } from '@app/database';
import { createApplicant, familyBody, submittable } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import { adminToken, createTestApp, resetDatabase, TestApp } from './support/test-app';
import { calendarAroundToday, windowAroundToday } from './support/calendar-around-today';
import { TEST_ENV } from './support/test-env';
import { sleep, waitUntil } from './support/wait';

const N = 8;

/** An application submitted today in `community`, by a new applicant. */
async function submittedToday(t: TestApp, community: string): Promise<string> {
  const { token } = await createApplicant(t);
  const [campaign]: { id: string }[] = await t.db.query(`SELECT id FROM campaigns LIMIT 1`);
  const draft = await submittable(t, token, familyBody(campaign.id, community));
  await t
    .http()
    .post(`/api/applications/${draft.id}/submit`)
    .set('authorization', `Bearer ${token}`)
    .expect(200);
  return draft.id;
}

/** A county with one community and a campaign open today; answers the community. */
async function campaignAroundToday(t: TestApp): Promise<string> {
  const admin = await adminToken(t);
  const tree = await createRegionTree(t, admin, 1, 1);
  await t
    .http()
    .post('/api/campaigns')
    .set('authorization', `Bearer ${admin}`)
    .send({
      name: 'now',
      countyId: tree.countyId,
      referenceIncome: 20000,
      ...windowAroundToday(),
    })
    .expect(201);
  return tree.towns[0].communities[0];
}

/** The types of an application's history entries, in order. */
async function historyTypes(t: TestApp, id: string): Promise<string[]> {
  const rows: { type: string }[] = await t.db.query(
    `SELECT type FROM application_history WHERE application_id = $1 ORDER BY seq`,
    [id],
  );
  return rows.map((r) => r.type);
}

/**
 * Under the system clock each pending timer is a delayed job in Redis, and
 * PostgreSQL holds its due instant. Redis here keeps nothing on disk: wiping it
 * must lose nothing.
 */
describe('timers survive a Redis wipe (system clock)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CLOCK: 'system', ...calendarAroundToday() });
  });
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  async function wipeQueues(): Promise<void> {
    const redis = new Redis(TEST_ENV.REDIS_URL);
    try {
      const keys = await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }

  /** Waits until no timer is left unfired. */
  async function everyTimerFired(): Promise<void> {
    await waitUntil(
      async () => {
        const [{ n }]: { n: string }[] = await t.db.query(
          `SELECT count(*) AS n FROM timers WHERE fired_at IS NULL`,
        );
        return Number(n) === 0;
      },
      20_000,
      'every timer fired',
    );
  }

  /**
   * An application submitted today whose review-deadline timer is due `dueIn`
   * from now, with the worker stopped and no job in Redis for the timer: the
   * test adds the job it means to, then restarts the worker.
   */
  async function timerWithoutJob(dueIn: string) {
    const id = await submittedToday(t, await campaignAroundToday(t));
    const worker = t.app.get(TransitionWorker);
    await worker.stop();
    await wipeQueues();
    const [timer] = await updateReturning<{ id: string }>(
      t.db,
      `UPDATE timers SET due_at = now() + $1::interval WHERE fired_at IS NULL RETURNING id`,
      [dueIn],
    );
    return { id, timer, worker };
  }

  it('rebuilds every pending timer from PostgreSQL and fires each once, none early', async () => {
    const community = await campaignAroundToday(t);
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push(await submittedToday(t, community));

    // Bring every review deadline a few seconds ahead (as if the days had passed),
    // then wipe the service's whole Redis key space with those timers pending.
    await t.db.query(
      `UPDATE timers SET due_at = now() + (interval '1 second' * (2 + (random() * 2))) WHERE fired_at IS NULL`,
    );
    const redis = new Redis(TEST_ENV.REDIS_URL);
    try {
      const keys = await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }

    // What every worker does at start-up and each minute after.
    expect(await t.app.get(TimerScheduler).reconcile()).toBe(N);
    await everyTimerFired();

    const timers: { fired_at: Date; due_at: Date }[] = await t.db.query(
      `SELECT fired_at, due_at FROM timers`,
    );
    expect(timers).toHaveLength(N);
    for (const timer of timers)
      expect(timer.fired_at.getTime()).toBeGreaterThanOrEqual(timer.due_at.getTime());
    const perApplication: { n: string }[] = await t.db.query(
      `SELECT count(*) AS n FROM application_history WHERE type = 'review_overdue' GROUP BY application_id`,
    );
    expect(perApplication.map((r) => Number(r.n))).toEqual(Array(N).fill(1));
    const [{ alerts }]: { alerts: string }[] = await t.db.query(
      `SELECT count(*) AS alerts FROM alerts`,
    );
    expect(Number(alerts)).toBe(N);

    // A second reconcile (a worker restarting) finds nothing left to schedule.
    expect(await t.app.get(TimerScheduler).reconcile()).toBe(0);
  });

  it('a periodic pass rests between its batches; a full pass (Redis lost the queue) does not', async () => {
    const community = await campaignAroundToday(t);
    for (let i = 0; i < 3; i++) await submittedToday(t, community);
    const scheduler = t.app.get(TimerScheduler);
    // A complete pass first, so that the next one is periodic (incremental).
    expect(await scheduler.reconcile()).toBe(3);
    const rests = jest.spyOn(scheduler, 'restAfterBatch');
    try {
      expect(await scheduler.reconcile()).toBe(3);
      expect(rests).toHaveBeenCalledTimes(1);
      expect(rests.mock.calls[0][0]).toBeGreaterThan(0);

      rests.mockClear();
      const redis = new Redis(TEST_ENV.REDIS_URL);
      try {
        await redis.del(...(await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`)));
      } finally {
        redis.disconnect();
      }
      expect(await scheduler.reconcile()).toBe(3);
      expect(rests).not.toHaveBeenCalled();
    } finally {
      rests.mockRestore();
    }
    const transitions = t.app.get(TransitionQueue);
    const timers: { id: string }[] = await t.db.query(`SELECT id FROM timers`);
    expect(await transitions.missingJobs(timers.map((x) => x.id))).toEqual(new Set());
  });

  it('adds only the timer jobs Redis lacks, leaving the ones it holds alone', async () => {
    const community = await campaignAroundToday(t);
    for (let i = 0; i < 3; i++) await submittedToday(t, community);
    const timers: { id: string }[] = await t.db.query(
      `SELECT id FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL ORDER BY id`,
    );
    expect(timers).toHaveLength(3);
    const transitions = t.app.get(TransitionQueue);
    for (const { id } of timers) expect(await transitions.queue.getJobState(id)).toBe('delayed');
    // One job lost (as by a crash between a transition's commit and its scheduling).
    const lost = timers[1].id;
    await transitions.queue.remove(lost);
    expect(await transitions.missingJobs(timers.map((x) => x.id))).toEqual(new Set([lost]));

    const enqueued = jest.spyOn(transitions, 'enqueueMany');
    try {
      expect(await t.app.get(TimerScheduler).reconcile()).toBe(3);
      expect(enqueued.mock.calls.flatMap(([jobs]) => jobs.map((j) => j.jobId))).toEqual([lost]);
    } finally {
      enqueued.mockRestore();
    }
    expect(await transitions.queue.getJobState(lost)).toBe('delayed');
    expect(await transitions.missingJobs(timers.map((x) => x.id))).toEqual(new Set());
    expect(await transitions.missingJobs([])).toEqual(new Set());
  });

  it('leaves a queued job alone when the same id is enqueued again, one job or many', async () => {
    const community = await campaignAroundToday(t);
    const id = await submittedToday(t, community);
    const [timer]: { id: string }[] = await t.db.query(
      `SELECT id FROM timers WHERE application_id = $1`,
      [id],
    );
    const transitions = t.app.get(TransitionQueue);
    const before = await transitions.queue.getJob(timer.id);
    expect(before?.opts.delay).toBeGreaterThan(60_000);
    const delayed = await transitions.queue.getDelayedCount();
    const again = {
      name: 'reviewDeadline' as const,
      data: { applicationId: id, timerId: timer.id },
    };
    await transitions.enqueue(again.name, again.data, timer.id, 1_000);
    await transitions.enqueueMany([{ ...again, jobId: timer.id, delayMs: 2_000 }]);
    await transitions.enqueueMany([]);
    const after = await transitions.queue.getJob(timer.id);
    expect(after?.timestamp).toBe(before?.timestamp);
    expect(after?.opts.delay).toBe(before?.opts.delay);
    expect(await transitions.queue.getJobState(timer.id)).toBe('delayed');
    expect(await transitions.queue.getDelayedCount()).toBe(delayed);
  });

  it('sends a timer job that arrives before its timer is due back to wait, then fires it when due', async () => {
    const { id, timer, worker } = await timerWithoutJob('3 seconds');
    // The job with no delay at all: as if another machine's clock ran 3 s ahead.
    const queue = t.app.get(TransitionQueue).queue;
    await queue.add(
      'reviewDeadline',
      { applicationId: id, timerId: timer.id },
      { jobId: timer.id },
    );
    worker.onApplicationBootstrap();

    await waitUntil(
      async () => (await queue.getJobState(timer.id)) === 'delayed',
      2_500,
      'the early job delayed again',
    );
    const [early]: { fired_at: Date | null }[] = await t.db.query(
      `SELECT fired_at FROM timers WHERE id = $1`,
      [timer.id],
    );
    expect(early.fired_at).toBeNull();
    await waitUntil(
      async () => (await queue.getJobState(timer.id)) === 'completed',
      20_000,
      'the timer job completed',
    );
    // Waiting, not failing and retried until due: no attempt failed.
    const job = await queue.getJob(timer.id);
    expect(job?.stacktrace ?? []).toEqual([]);
    expect(job?.failedReason).toBeFalsy();
    const [fired]: { fired_at: Date; due_at: Date }[] = await t.db.query(
      `SELECT fired_at, due_at FROM timers WHERE id = $1`,
      [timer.id],
    );
    expect(fired.fired_at.getTime()).toBeGreaterThanOrEqual(fired.due_at.getTime());
    expect(await historyTypes(t, id)).toEqual(['submit', 'review_overdue']);
  });

  it('gives a timer whose job failed for good fresh attempts once it is well past due', async () => {
    const { id, timer, worker } = await timerWithoutJob('-10 minutes');
    // Its one attempt meets a database that is down: the job fails for good.
    const queue = t.app.get(TransitionQueue).queue;
    await queue.add(
      'reviewDeadline',
      { applicationId: id, timerId: timer.id },
      { jobId: timer.id, attempts: 1 },
    );
    // No stalled-job check of its own: it would hold the queue's check for BullMQ's
    // default 30 s, and a later test file's worker on this run's queue would wait.
    const failing = new Worker(
      QUEUES.transitions,
      () => Promise.reject(new Error('connection refused')),
      { ...queueConnection(loadConfig(TEST_ENV)), skipStalledCheck: true },
    );
    await waitUntil(
      async () => (await queue.getJobState(timer.id)) === 'failed',
      20_000,
      'the timer job failed',
    );
    await failing.close();

    worker.onApplicationBootstrap();
    expect(await t.app.get(TimerScheduler).reconcile()).toBe(1);
    await everyTimerFired();
    expect((await historyTypes(t, id)).filter((type) => type === 'review_overdue')).toHaveLength(1);
  });
});

/**
 * REVIEW_DEADLINE_GRACE_SECONDS: a review deadline's job runs that long after
 * the deadline, so that a decision asked in time but still on its way (a
 * worker killed with it in hand) is applied first; the deadline, when it does
 * fire, takes effect at its due instant.
 */
describe('the review deadline’s grace (system clock)', () => {
  const GRACE_MS = 3_000;
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      CLOCK: 'system',
      REVIEW_DEADLINE_GRACE_SECONDS: String(GRACE_MS / 1000),
      ...calendarAroundToday(),
    });
  });
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  /**
   * An application submitted today whose review deadline is one second from
   * now (row and timer), its timer's job scheduled anew for that deadline.
   */
  async function deadlineInOneSecond(community?: string) {
    community ??= await campaignAroundToday(t);
    const id = await submittedToday(t, community);
    const [timer] = await updateReturning<{ id: string; due_at: Date }>(
      t.db,
      `UPDATE timers SET due_at = date_trunc('milliseconds', now()) + interval '1 second'
        WHERE application_id = $1 AND fired_at IS NULL RETURNING id, due_at`,
      [id],
    );
    await t.db.query(`UPDATE applications SET due_at = $2 WHERE id = $1`, [id, timer.due_at]);
    const transitions = t.app.get(TransitionQueue);
    await transitions.queue.remove(timer.id);
    await t.app.get(TimerScheduler).schedule([
      {
        id: timer.id,
        applicationId: id,
        kind: 'review_deadline',
        level: 'community',
        dueAt: timer.due_at,
      },
    ]);
    return { id, timer, transitions };
  }

  it('runs the deadline’s job after the grace, and records the lateness at the deadline', async () => {
    const { id, timer, transitions } = await deadlineInOneSecond();
    const job = await transitions.queue.getJob(timer.id);
    expect(job!.timestamp + job!.opts.delay!).toBeGreaterThanOrEqual(
      timer.due_at.getTime() + GRACE_MS - 50,
    );

    await waitUntil(
      async () => (await transitions.queue.getJobState(timer.id)) === 'completed',
      20_000,
      'the deadline job completed',
    );
    const [fired]: { fired_at: Date }[] = await t.db.query(
      `SELECT fired_at FROM timers WHERE id = $1`,
      [timer.id],
    );
    expect(fired.fired_at.getTime()).toBeGreaterThanOrEqual(timer.due_at.getTime() + GRACE_MS);
    const [overdue]: { at: Date }[] = await t.db.query(
      `SELECT at FROM application_history WHERE application_id = $1 AND type = 'review_overdue'`,
      [id],
    );
    expect(overdue.at.getTime()).toBe(timer.due_at.getTime());
  });

  it('applies a decision asked before the deadline and held up past it as on time', async () => {
    // The reviewer first: its logins hash passwords, which takes time the grace does not have.
    const community = await campaignAroundToday(t);
    const reviewer = await createStaff(t, await adminToken(t), 'community_reviewer', community);
    const [{ path }]: { path: string }[] = await t.db.query(
      `SELECT path FROM regions WHERE id = $1`,
      [community],
    );
    const { id, timer, transitions } = await deadlineInOneSecond(community);
    // The deadline passes while the decision, asked just before it, is on its way.
    await sleep(timer.due_at.getTime() + 300 - Date.now());

    const outcome = await transitions.run(
      'decide',
      {
        applicationId: id,
        actor: {
          userId: reviewer.id,
          role: 'community_reviewer',
          name: '王审核',
          regionPath: path,
          askedAt: new Date(timer.due_at.getTime() - 500).toISOString(),
        },
        decision: 'approve',
        opinion: '经调查核实',
        signature: '王审核',
      },
      TransitionQueue.commandJob('decide', reviewer.id, id),
    );

    expect(outcome.statusCode).toBe(200);
    // The deadline's job, had it not been cancelled, would have run by now.
    await sleep(timer.due_at.getTime() + GRACE_MS + 1_000 - Date.now());
    expect(await historyTypes(t, id)).toEqual(['submit', 'approve']);
    const [cancelled]: { cancelled_at: Date | null; fired_at: Date | null }[] = await t.db.query(
      `SELECT cancelled_at, fired_at FROM timers WHERE id = $1`,
      [timer.id],
    );
    expect(cancelled).toEqual({ cancelled_at: expect.any(Date), fired_at: null });
    const [{ alerts }]: { alerts: string }[] = await t.db.query(
      `SELECT count(*) AS alerts FROM alerts`,
    );
    expect(alerts).toBe('0');
  });
});
