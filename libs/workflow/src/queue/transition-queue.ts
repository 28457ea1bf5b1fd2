import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, QueueEvents } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import { readOutcome, settles } from '../engine/outcome';
import { AppConfig } from '@app/config';
import { AppError, isDependencyOutage } from '@app/http';
import {
  closeWithin,
  JobOutcome,
  KEEP_COMPLETED,
  KEEP_FAILED,
  queueConnection,
  QUEUES,
  TRANSITION_ATTEMPTS,
  TRANSITION_BACKOFF,
  TRANSITION_WAIT_MS,
  TransitionJobName,
  TransitionJobs,
  within,
} from '@app/queue';

const TIMER_JOBS_MARK = 'timer-jobs-rebuilt';
/** How a refused timer's failed job begins its reason (TransitionWorker.fireTimer). */
export const TIMER_REFUSED = 'timer refused';
/** How every transition job is kept and retried. */
const JOB_OPTIONS = {
  attempts: TRANSITION_ATTEMPTS,
  backoff: TRANSITION_BACKOFF,
  // BullMQ appends each failure's stack to the job and a retry keeps them: a refused
  // timer's job, retried until its cause is put right, would grow without end.
  stackTraceLimit: 5,
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
};
/**
 * A script of this process's own on the queue's connection: see `missingJobs`.
 * It builds the keys it reads from ARGV, as BullMQ's own scripts do: a
 * standalone Redis (queueConnection's), not a cluster.
 */
const MISSING_JOBS = 'housingMissingJobs';
/** ARGV[1] is the queue's key prefix, the rest job ids: the 1-based positions of those with no job hash. */
const MISSING_JOBS_LUA = `
local missing = {}
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then missing[#missing + 1] = i - 1 end
end
return missing`;
/** Commands one process may wait for at once before Node warns of a listener leak. */
const MAX_WAITING_COMMANDS = 10_000;

/** A command's job id, and whether an answer may already be recorded under it. */
export interface CommandJob {
  jobId: string;
  replayable: boolean;
}

/** A job to enqueue without waiting for it. */
export interface QueuedJob<N extends TransitionJobName = TransitionJobName> {
  name: N;
  data: TransitionJobs[N];
  jobId: string;
  delayMs?: number;
}

/**
 * The API side of the transition queue: enqueue a command and wait for its
 * outcome, so the caller sees the new state in the response. The outcome of
 * every job is recorded in PostgreSQL (command_results), which is what makes
 * replays and redeliveries answer the first answer.
 */
@Injectable()
export class TransitionQueue implements OnApplicationShutdown {
  readonly queue: Queue;
  private readonly logger = new Logger('TransitionQueue');
  /**
   * Made on the first `run`: it reads every event of the queue, and only a
   * process that waits for outcomes (the API) needs it, not a worker.
   */
  private eventsReader?: QueueEvents;
  /** The reader has heard an event, so its reads of the stream reach Redis (see queueAndWait). */
  private eventsFlowing = false;
  private missingJobsDefined = false;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
  ) {
    const { connection, prefix } = queueConnection(config);
    this.queue = new Queue(QUEUES.transitions, { connection, prefix });
    // An 'error' with no listener ends the process; a lost connection is retried by ioredis.
    this.queue.on('error', (e) => this.logger.warn(`transition queue: ${e.message}`));
    // BullMQ's waitUntilFinished adds a 'closing' listener per waiting command until
    // it ends (at most TRANSITION_WAIT_MS): many at once under load is no leak.
    this.queue.setMaxListeners(MAX_WAITING_COMMANDS);
  }

  /** The reader of outcomes, ready before a job it waits for is added (so its completion is heard). */
  private async events(): Promise<QueueEvents> {
    if (!this.eventsReader) {
      const { connection, prefix } = queueConnection(this.config);
      this.eventsReader = new QueueEvents(QUEUES.transitions, { connection, prefix });
      this.eventsReader.on('error', (e) => this.logger.warn(`transition events: ${e.message}`));
      // Every added job's first event: once one is heard, the reader reads the stream.
      this.eventsReader.once('added', () => (this.eventsFlowing = true));
    }
    await this.eventsReader.waitUntilReady();
    return this.eventsReader;
  }

  /**
   * A command's job: its id is stable per command when the caller gave an
   * Idempotency-Key (scoped to the caller and to what the command acts on;
   * hashed: BullMQ ids may not contain ':'), and then a replay may find an
   * answer already recorded. Without a key the id is fresh and cannot have one.
   */
  static commandJob(
    name: TransitionJobName,
    userId: string,
    target: string,
    idempotencyKey?: string,
  ): CommandJob {
    if (!idempotencyKey) return { jobId: `${name}-${randomUUID()}`, replayable: false };
    const digest = createHash('sha256')
      .update(`${userId}\n${name}\n${target}\n${idempotencyKey}`)
      .digest('hex');
    return { jobId: `${name}-idem-${digest.slice(0, 40)}`, replayable: true };
  }

  /**
   * Queues a command and waits for its outcome, then reads the outcome where
   * the worker recorded it. A replay answers the first answer, and puts a job
   * of it that failed for good back in the queue (the client asking again
   * gives it fresh attempts): see queueAndWait.
   *
   * PostgreSQL or Redis out of reach is 503 TRANSITION_PENDING for a command
   * with an Idempotency-Key, whatever was done: its repeat answers the
   * recorded outcome or applies it once. Without a key a repeat would be a new
   * job, so an outage after the job was queued is left to the exception
   * filter (500: the outcome is unknown).
   */
  async run<N extends TransitionJobName>(
    name: N,
    data: TransitionJobs[N],
    command: CommandJob,
  ): Promise<JobOutcome> {
    if (!command.replayable) return this.runOnce(name, data, command);
    try {
      return await this.runOnce(name, data, command);
    } catch (error) {
      if (isDependencyOutage(error)) throw transitionPending();
      throw error;
    }
  }

  /**
   * The whole command, queueing included, is bounded by TRANSITION_WAIT_MS:
   * with Redis away, BullMQ's connections hold its commands until it is back,
   * and the request would hang as long. A job whose adding outlasts the bound
   * may still be added then; the 503 TRANSITION_PENDING says as much.
   */
  private async runOnce<N extends TransitionJobName>(
    name: N,
    data: TransitionJobs[N],
    { jobId, replayable }: CommandJob,
  ): Promise<JobOutcome> {
    const deadline = performance.now() + TRANSITION_WAIT_MS;
    let found: JobOutcome | null;
    try {
      found = await this.queueAndWait(name, data, { jobId, replayable }, deadline);
    } catch (error) {
      // A repeat whose answer is recorded gets it, whatever became of the wait for its
      // job: Redis away, a backlog ahead of a job added again, its worker gone.
      const recorded = replayable ? await this.recordedOutcome(jobId).catch(() => null) : null;
      if (recorded) return recorded;
      throw error;
    }
    // The job hands back only a receipt (JobReceipt): the answer is read where it was recorded.
    const outcome = found ?? (await this.recordedOutcome(jobId));
    if (!outcome) throw new Error(`job ${jobId} finished without a recorded outcome`);
    return outcome;
  }

  /**
   * The command's job, added and waited for (see addAndWait), in one Redis
   * call. Under a repeated command's id (an Idempotency-Key) the add may find
   * the job there already: BullMQ then adds nothing and reports a
   * `duplicated` event, and only then is more asked. The outcome recorded
   * under the id, which is answered if there is one (the worker may have
   * died after its commit, leaving the job to be redelivered seconds later);
   * else Redis: a job that failed for good is put back with fresh attempts,
   * and the job's end is waited for as BullMQ waits (it may have ended
   * before the listening began). Answers the outcome when it read it.
   *
   * A repeat whose job Redis no longer holds (completed jobs are kept an
   * hour, KEEP_COMPLETED) adds it again, and the worker finds the outcome
   * recorded under its id and answers it, changing nothing (as for a
   * redelivery: TransitionEngine). So nothing is read before queueing: a
   * read before every command with a key cost a round trip, for repeats only.
   */
  private async queueAndWait<N extends TransitionJobName>(
    name: N,
    data: TransitionJobs[N],
    { jobId, replayable }: CommandJob,
    deadline: number,
  ): Promise<JobOutcome | null> {
    const events = await byDeadline(this.events(), deadline);
    let job: Job | undefined;
    const add = async () =>
      (job = await byDeadline(this.queue.add(name, data, { jobId, ...JOB_OPTIONS }), deadline));
    const left = () => deadline - performance.now();
    // A new reader is ready before its first read of the stream reaches Redis: an end
    // in between would go unheard. Until it has heard an event, Redis is asked as BullMQ does.
    const heard = this.eventsFlowing
      ? await addAndWait(this.queue, events, jobId, add, left, { mayExist: replayable })
      : await add().then(() => 'unheard' as const);
    if (heard === 'ended') return null;
    if (replayable) {
      const recorded = await this.recordedOutcome(jobId);
      if (recorded) return recorded;
      await byDeadline(this.retryFailed(jobId), deadline);
    }
    await waitForJob(job!, events, left());
    return null;
  }

  /**
   * Runs many jobs and waits for them all, like `run`, answering each one's
   * status code in order (the manual clock firing what is due). The outcomes
   * are read in one statement before and one after: a thousand jobs cost two
   * queries, not two thousand callers queueing for the pool's twenty
   * connections at once, which under a busy PostgreSQL outlasted the pool's
   * connection timeout.
   *
   * Bounded like `run`: queueing and waiting together take at most
   * TRANSITION_WAIT_MS, then 503 TRANSITION_PENDING. The jobs' ids are the
   * timers' own, so repeating the call (moving the clock to the same instant)
   * fires what is still due and answers what was recorded.
   */
  async runMany(jobs: readonly QueuedJob[]): Promise<number[]> {
    const deadline = performance.now() + TRANSITION_WAIT_MS;
    const before = await this.recordedStatuses(jobs.map((j) => j.jobId));
    const settled = (jobId: string) => {
      const status = before.get(jobId);
      return status !== undefined && settles(status, true);
    };
    const pending = jobs.filter((j) => !settled(j.jobId));
    const refusedBefore = pending.filter((j) => before.has(j.jobId)).map((j) => j.jobId);
    let after = new Map<string, number>();
    const failed = new Map<string, unknown>();
    if (pending.length > 0) {
      const { added, events } = await byDeadline(this.queueMany(pending, refusedBefore), deadline);
      await Promise.all(
        added.map((job) =>
          // A refused timer's job fails (see TransitionWorker.fireTimer); its refusal is recorded.
          waitForJob(job, events, deadline - performance.now()).catch((error: unknown) => {
            if (!(error instanceof AppError) || error.code !== 'TRANSITION_FAILED') throw error;
            failed.set(job.id!, error);
          }),
        ),
      );
      after = await this.recordedStatuses(pending.map((j) => j.jobId));
    }
    return jobs.map(({ jobId }) => {
      const status = settled(jobId) ? before.get(jobId) : after.get(jobId);
      if (status === undefined) {
        if (failed.has(jobId)) throw failed.get(jobId);
        throw new Error(`job ${jobId} finished without a recorded outcome`);
      }
      return status;
    });
  }

  /**
   * Jobs added in one round trip, with the reader that will hear their ends
   * (see runMany for the bound). A job refused before failed (TransitionWorker.fireTimer),
   * and is given fresh attempts first: adding an id the queue holds does nothing.
   */
  private async queueMany(
    jobs: readonly QueuedJob[],
    refusedBefore: readonly string[],
  ): Promise<{ added: Job[]; events: QueueEvents }> {
    for (const jobId of refusedBefore) await this.retryFailed(jobId);
    const events = await this.events();
    const added = await this.queue.addBulk(
      jobs.map(({ name, data, jobId }) => ({ name, data, opts: { jobId, ...JOB_OPTIONS } })),
    );
    return { added, events };
  }

  /** Enqueues without waiting (timers); a job with this id already queued or done is left alone. */
  async enqueue<N extends TransitionJobName>(
    name: N,
    data: TransitionJobs[N],
    jobId: string,
    delayMs = 0,
  ): Promise<void> {
    await this.enqueueMany([{ name, data, jobId, delayMs }]);
  }

  /**
   * Many at once, in one round trip to Redis (timers: a rebuild of 100,000 takes
   * seconds). One alone (a transition's new timer, the common case) is added
   * directly: addBulk builds an ioredis pipeline, which copies every
   * script command of the connection into it, 6-7 % of a worker's CPU per transition.
   */
  async enqueueMany(jobs: QueuedJob[]): Promise<void> {
    const bulk = jobs.map(({ name, data, jobId, delayMs = 0 }) => ({
      name,
      data,
      opts: { jobId, delay: Math.max(0, delayMs), ...JOB_OPTIONS },
    }));
    if (bulk.length === 1) await this.queue.add(bulk[0].name, bulk[0].data, bulk[0].opts);
    else if (bulk.length > 1) await this.queue.addBulk(bulk);
  }

  /**
   * Which of these job ids the queue holds no job for, in one round trip (a
   * script that asks EXISTS of each: far cheaper for Redis and this process
   * than adding a job that is there already, which a reconcile pass would
   * otherwise do thousands of times a minute).
   */
  async missingJobs(jobIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const client = await this.queue.client;
    if (!this.missingJobsDefined) {
      client.defineCommand(MISSING_JOBS, {
        numberOfKeys: 0,
        lua: MISSING_JOBS_LUA,
        readOnly: true,
      });
      this.missingJobsDefined = true;
    }
    const positions = (await client.runCommand(MISSING_JOBS, [
      this.queue.toKey(''),
      ...jobIds,
    ])) as number[];
    return new Set(positions.map((p) => jobIds[p - 1]));
  }

  /**
   * Puts a job that failed for good back in the queue with fresh attempts (a
   * timer or a repeated command whose every attempt met a database that was
   * down, a refused timer); a refused timer's only if it was refused before
   * `refusedBefore`, when given. True if it did.
   */
  async retryFailed(
    jobId: string,
    { refusedBefore }: { refusedBefore?: Date } = {},
  ): Promise<boolean> {
    if ((await this.queue.getJobState(jobId)) !== 'failed') return false;
    const job = await this.queue.getJob(jobId);
    if (!job) return false;
    const refused = job.failedReason?.startsWith(TIMER_REFUSED) ?? false;
    if (refused && refusedBefore && (job.finishedOn ?? 0) > refusedBefore.getTime()) return false;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Another worker's reconciler retried it first.
      if ((await this.queue.getJobState(jobId)) !== 'failed') return false;
      throw error;
    }
    return true;
  }

  /**
   * A mark among the queue's own keys that timer jobs were rebuilt: it
   * vanishes with them (a wipe, a Redis without persistence restarted).
   */
  async timerJobsMarked(): Promise<boolean> {
    return (await (await this.queue.client).get(this.queue.toKey(TIMER_JOBS_MARK))) !== null;
  }

  async markTimerJobs(): Promise<void> {
    await (
      await this.queue.client
    ).set(this.queue.toKey(TIMER_JOBS_MARK), new Date().toISOString());
  }

  recordedOutcome(jobId: string): Promise<JobOutcome | null> {
    return readOutcome(this.db, jobId);
  }

  /** The status code recorded for each of these jobs that has an outcome. */
  private async recordedStatuses(jobIds: string[]): Promise<Map<string, number>> {
    const rows: { job_id: string; status_code: number }[] = await this.db.query(
      `SELECT job_id, status_code FROM command_results WHERE job_id = ANY($1::text[])`,
      [jobIds],
    );
    return new Map(rows.map((r) => [r.job_id, r.status_code]));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      this.eventsReader ? closeWithin(this.eventsReader) : undefined,
      closeWithin(this.queue),
    ]);
  }
}

/** How long the state of a job whose wait broke off is asked of Redis (it may be away). */
const JOB_STATE_READ_MS = 2000;

/**
 * Waits for a job to finish. Only a job that Redis says failed for good is
 * answered 500 TRANSITION_FAILED (a bug or a broken dependency, never a rule:
 * rules are outcomes). Any other end of the wait is 503 TRANSITION_PENDING,
 * which the client repeats with the same Idempotency-Key: a wait that
 * outlasts TRANSITION_WAIT_MS (the job stays queued; a Redis away meanwhile
 * comes to this too, as its connections wait for it), or the job gone with a
 * Redis restarted empty, which BullMQ's wait reports as it does a failure
 * (the repeat queues it again; an outcome recorded in the meantime is
 * answered instead). A Redis that cannot tell the state within
 * JOB_STATE_READ_MS leaves the job pending.
 */
export async function waitForJob(
  job: Job,
  events: QueueEvents,
  waitMs = TRANSITION_WAIT_MS,
): Promise<void> {
  // At least 1 ms: BullMQ waits without a limit for 0.
  await settleWait(job, job.waitUntilFinished(events, Math.max(1, Math.round(waitMs))));
}

/**
 * Adds a job and waits for it, answered as `waitForJob` answers. Its end is
 * listened for before the job is added, so it cannot end unheard, and Redis
 * need not be asked whether it has ended already: BullMQ's waitUntilFinished
 * listens once the job exists and then asks, a script call per command.
 * `events` must be listening already.
 *
 * 'existing' when the add found a job under this id instead (BullMQ's
 * `duplicated` event) before any end was heard: that job may have ended
 * before the listening began, so the caller asks (waitForJob). Under an id
 * never used before, the answer is 'ended'. With `mayExist` (a repeated
 * command's id), a failure heard is 'existing' too: it may be the end of an
 * earlier attempt, read from the stream before the add's `duplicated`.
 */
export async function addAndWait(
  queue: Queue,
  events: QueueEvents,
  jobId: string,
  add: () => Promise<Job>,
  waitMs: () => number,
  { mayExist = false } = {},
): Promise<'ended' | 'existing'> {
  const end = new JobEnd(events, queue, jobId);
  let job: Job;
  try {
    job = await add();
  } catch (error) {
    end.stop();
    throw error;
  }
  const ended = end.within(waitMs());
  if (!mayExist) return settleWait(job, ended);
  return ended.catch((error: unknown) =>
    error instanceof NoEndInTime ? settleWait(job, ended) : ('existing' as const),
  );
}

/** The wait for `job`'s end, answered as `waitForJob` says. */
async function settleWait<T>(job: Job, wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch {
    if (await failedForGood(job)) {
      throw new AppError(500, 'TRANSITION_FAILED', 'The change could not be applied');
    }
    throw transitionPending();
  }
}

/**
 * The end of a job about to be added, heard from the queue's events as
 * BullMQ's waitUntilFinished hears it (`completed:<id>`, `failed:<id>`, the
 * queue closing), without its check of Redis: listening before a job under
 * a new id is added, no end can come first. Under an id that may hold a job
 * already, the add reports finding it (`duplicated:<id>`), and that job may
 * have ended before, or its end, not yet read from the stream, may be heard
 * first (see addAndWait). The reader must be listening already (`events()`).
 */
class JobEnd {
  private readonly ended: Promise<'ended' | 'existing'>;
  private stopListening: () => void = () => undefined;

  constructor(events: QueueEvents, queue: Queue, jobId: string) {
    // BullMQ emits these per job id, and 'closing', outside its typed events.
    const reader = events as unknown as EventEmitter;
    const closing = queue as unknown as EventEmitter;
    this.ended = new Promise<'ended' | 'existing'>((resolve, reject) => {
      const completed = `completed:${jobId}`;
      const failed = `failed:${jobId}`;
      const duplicated = `duplicated:${jobId}`;
      const onCompleted = () => {
        this.stop();
        resolve('ended');
      };
      const onDuplicated = () => {
        this.stop();
        resolve('existing');
      };
      const onFailed = (args: { failedReason?: string } | string) => {
        this.stop();
        reject(new Error(typeof args === 'string' ? args : args.failedReason));
      };
      reader.on(completed, onCompleted);
      reader.on(failed, onFailed);
      reader.on(duplicated, onDuplicated);
      closing.on('closing', onFailed);
      this.stopListening = () => {
        reader.removeListener(completed, onCompleted);
        reader.removeListener(failed, onFailed);
        reader.removeListener(duplicated, onDuplicated);
        closing.removeListener('closing', onFailed);
      };
    });
    // An end heard before `within` is asked for is kept, not reported as unhandled.
    this.ended.catch(() => undefined);
  }

  /**
   * Resolves when the job completes, or the add found one there already;
   * rejects when it fails, the queue closes, or `waitMs` passes.
   */
  within(waitMs: number): Promise<'ended' | 'existing'> {
    return within(this.ended, Math.max(1, Math.round(waitMs)), () => {
      this.stop();
      throw new NoEndInTime();
    });
  }

  stop(): void {
    this.stopListening();
  }
}

/** The wait for a job's end outlasted the time it had. */
class NoEndInTime extends Error {
  constructor() {
    super('no end of the job was heard in time');
  }
}

/** The step's result, or 503 TRANSITION_PENDING once the command's deadline passes first. */
function byDeadline<T>(step: Promise<T>, deadline: number): Promise<T> {
  return within(step, deadline - performance.now(), () => {
    throw transitionPending();
  });
}

function transitionPending(): AppError {
  return new AppError(
    503,
    'TRANSITION_PENDING',
    'The change is not applied yet; retry with the same Idempotency-Key',
  );
}

async function failedForGood(job: Job): Promise<boolean> {
  const state = await within(
    job.getState().catch(() => 'unknown' as const),
    JOB_STATE_READ_MS,
    () => 'unknown' as const,
  );
  return state === 'failed';
}
