import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Processor, UnrecoverableError, WorkerOptions } from 'bullmq';
import { Clock, ManualClock } from '@app/clock';
import { AppConfig } from '@app/config';
import { WorkflowStateError } from '@app/domain';
import { loggableMessage } from '@app/http';
import {
  closeWorker,
  GuardedWorker,
  JobOutcome,
  JobRegistry,
  queueConnection,
  QUEUES,
  receiptOf,
  TIMER_RECONCILE_INTERVAL_MS,
  TransitionHandlers,
  TransitionJobName,
} from '@app/queue';
import { TimerNotDue, TransitionEngine } from '../engine/transition-engine';
import { TIMER_REFUSED } from '../queue/transition-queue';
import { TimerScheduler } from '../timers/timer-scheduler';
import { TransitionBatcher } from './transition-batcher';

/**
 * Jobs a worker process holds at once. They are applied in batches (see
 * TransitionBatcher): up to BATCHES_IN_FLIGHT transactions at a time, each of
 * up to MAX_BATCH jobs, so that a batch gathers while the others run
 * (docs/performance.md, "Transitions in batches").
 */
export const WORKER_CONCURRENCY = 32;
/** Jobs applied in one transaction at most. */
export const MAX_BATCH = 16;
/**
 * Batches a worker process runs at once, each on a database connection of its
 * own. A batch's reads go to PostgreSQL together, and so do its writes
 * (TransitionEngine.applyBatch): a batch of 16 takes four round trips (and
 * one for each archive number an approval of it takes), so a job seldom
 * waits long behind one. With 4, a decision at 200 a second
 * answered at p99 69-74 ms in three runs; with 8, 90 and 145 ms (more
 * transactions at once on two cores); with 2, 68-90 ms. Throughput was the
 * same with 2, 4 or 8 (docs/performance.md, "A batch's statements sent
 * together").
 */
export const BATCHES_IN_FLIGHT = 4;
/**
 * How often a job may be found stalled (its worker died) and redelivered before
 * it fails. Redelivery is safe: the outcome is recorded with the transition.
 */
export const MAX_STALLED_COUNT = 20;
/**
 * How long a job's lock holds without renewal (BullMQ renews it every half of
 * this while the job runs). A killed worker's jobs are handed to another only
 * once their lock has expired: 10 s rather than BullMQ's 30 s, as transitions
 * take milliseconds. A lock lost to an event loop stuck for 5 s would only
 * deliver the job twice, which the recorded outcome makes harmless.
 */
export const LOCK_DURATION_MS = 10_000;
/**
 * How often a worker looks for jobs whose lock expired (BullMQ lets one
 * worker look per interval). 5 s rather than BullMQ's 30 s: with the lock's
 * 10 s, a killed worker's transition is taken up again within 15 s.
 */
export const STALLED_INTERVAL_MS = 5000;

/**
 * The queue side: one BullMQ worker on the transitions queue, dispatching by
 * job name to one handler each (refusing to start when one is missing), and the
 * timer reconciler, at start-up and then periodically.
 */
@Injectable()
export class TransitionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private worker?: GuardedWorker;
  private reconcileTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly engine: TransitionEngine,
    private readonly scheduler: TimerScheduler,
    private readonly clock: Clock,
  ) {}

  handlers(): TransitionHandlers {
    const registry = new JobRegistry();
    const e = new TransitionBatcher((reqs) => this.engine.applyBatch(reqs), {
      maxBatch: MAX_BATCH,
      inFlight: BATCHES_IN_FLIGHT,
    });
    registry.register('submit', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: 'submit' },
      }),
    );
    registry.register('withdraw', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: 'withdraw' },
      }),
    );
    registry.register('decide', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: d.decision },
        opinion: d.opinion,
        signature: d.signature,
        corrections: d.corrections,
      }),
    );
    registry.register('resolveObjection', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: 'resolve_objection', upheld: d.upheld },
        objectionId: d.objectionId,
        opinion: d.opinion,
        signature: d.signature,
      }),
    );
    registry.register('revoke', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: 'revoke' },
        opinion: d.opinion,
        signature: d.signature,
      }),
    );
    registry.register('recordChange', (d, job) =>
      e.apply({
        jobId: job.id!,
        applicationId: d.applicationId,
        actor: d.actor,
        command: { type: 'record_change' },
        opinion: d.opinion,
        signature: d.signature,
      }),
    );
    registry.register('noticeEnd', (d, job, token) => this.fireTimer(e, d, job, token));
    registry.register('reviewDeadline', (d, job, token) => this.fireTimer(e, d, job, token));
    return registry.complete();
  }

  /**
   * A timer never fires before its due instant: a job that arrives early (clock
   * skew between machines) goes back to the delayed set until then. The engine
   * finds that out under the application's lock, as it reads the timer.
   *
   * Under the manual clock a timer's job is added once the clock has moved past
   * it, so an early one means this process has not heard of the move yet (the
   * Redis message is late or lost): it reads the clock from PostgreSQL and tries
   * again. Still early, it looks again in a second; the manual due instant is
   * no real time to wait for.
   */
  private async fireTimer(
    batcher: TransitionBatcher,
    data: { applicationId: string; timerId: string },
    job: Job,
    token?: string,
    clockReloaded = false,
  ): Promise<JobOutcome> {
    let outcome: JobOutcome;
    try {
      outcome = await batcher.apply({
        jobId: job.id!,
        applicationId: data.applicationId,
        actor: null,
        timerId: data.timerId,
      });
    } catch (e) {
      if (!(e instanceof TimerNotDue) || !token) throw e;
      let wakeAt = this.scheduler.runAt(e);
      if (this.clock instanceof ManualClock) {
        if (!clockReloaded) {
          await this.clock.load();
          return this.fireTimer(batcher, data, job, token, true);
        }
        wakeAt = Date.now() + 1000;
      }
      await job.moveToDelayed(wakeAt, token);
      throw new DelayedError();
    }
    if (outcome.statusCode >= 400) {
      // The timer stays pending and its refusal is recorded (see `settles`). The job fails,
      // without BullMQ's retries (logged by the 'failed' handler), so that the reconcile's
      // pass over overdue timers gives it fresh attempts until the cause is put right.
      const code = (outcome.body as { code?: unknown } | null)?.code;
      throw new UnrecoverableError(`${TIMER_REFUSED}: ${outcome.statusCode} ${String(code)}`);
    }
    return outcome;
  }

  /**
   * A BullMQ worker on the transitions queue running `handlers()`. `wrap`
   * lets a fault test put something around the processing (e.g. a crash right
   * after the commit); production uses it as it is.
   */
  createWorker(
    options: Partial<WorkerOptions> = {},
    wrap: (run: Processor) => Processor = (run) => run,
  ): GuardedWorker {
    const handlers = this.handlers();
    const { connection, prefix } = queueConnection(this.config);
    const run: Processor = async (job: Job, token?: string) => {
      const handler = handlers[job.name as TransitionJobName] as (
        d: unknown,
        j: Job,
        token?: string,
      ) => Promise<JobOutcome>;
      if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
      try {
        // The token lets a handler move its job back to the delayed set (an early timer).
        return receiptOf(await handler(job.data, job, token));
      } catch (error) {
        // A broken invariant will not mend itself on retry; anything else (a dropped
        // connection, a deadlock) is transient and BullMQ retries it with back-off.
        if (error instanceof WorkflowStateError) throw new UnrecoverableError(error.message);
        if (error instanceof DelayedError) throw error;
        throw error;
      }
    };
    const worker = new GuardedWorker(QUEUES.transitions, wrap(run), {
      connection,
      prefix,
      concurrency: WORKER_CONCURRENCY,
      lockDuration: LOCK_DURATION_MS,
      maxStalledCount: MAX_STALLED_COUNT,
      stalledInterval: STALLED_INTERVAL_MS,
      ...options,
    });
    worker.on('failed', (job, error) =>
      this.logger.warn(`job ${job?.id} (${job?.name}) failed: ${loggableMessage(error)}`),
    );
    // An 'error' with no listener ends the process; a lost connection is retried by ioredis.
    worker.on('error', (error) => this.logger.warn(`transition worker: ${error.message}`));
    return worker;
  }

  /**
   * Starts the worker and the timer reconciler. The first reconcile runs in the
   * background, not awaited: with Redis away, adding jobs waits for it, and a
   * worker must still start (and a health check answer 503) meanwhile.
   */
  onApplicationBootstrap(): void {
    this.worker = this.createWorker();
    const reconcile = () =>
      this.scheduler
        .reconcile()
        .catch((e: Error) => this.logger.warn(`timer reconcile failed: ${e.message}`));
    void reconcile();
    this.reconcileTimer = setInterval(() => void reconcile(), TIMER_RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
    this.logger.log(`transition worker started (concurrency ${WORKER_CONCURRENCY})`);
  }

  /** Stops taking jobs (running ones finish). */
  async stop(): Promise<void> {
    clearInterval(this.reconcileTimer);
    if (this.worker)
      await closeWorker(this.worker, 'transition worker', (m) => this.logger.warn(m));
    this.worker = undefined;
  }

  /** Lets running jobs finish; a job cut off by a crash is redelivered to another worker. */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
