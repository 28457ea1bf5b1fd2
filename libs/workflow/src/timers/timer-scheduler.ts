import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { Clock, ManualClock } from '@app/clock';
import { AppConfig } from '@app/config';
import { dueTimers, pendingTimersAfter, TIMER_JOB, TimerKind, TimerRow } from './timer-store';
import { TransitionQueue } from '../queue/transition-queue';

const BATCH = 1000;
/**
 * A periodic pass is background work and yields to requests: it reads smaller
 * batches and, after each, rests three times as long as the batch took (a
 * quarter of one core at most). Unpaced, the first minute's pass after a burst
 * of submissions (7,000 new timers) took the worker, PostgreSQL and Redis for
 * 150-200 ms at once and stalled every request on a 2-core machine for as
 * long (docs/performance.md, "Pool churn and background work"). A full pass
 * (start-up, or after Redis lost the queue) is recovery and runs flat out.
 */
const PACED_BATCH = 250;
const PACED_REST_PER_BUSY = 3;
/**
 * A pending timer this long past due should have fired: its job is looked at.
 * Longer than a job's whole retry schedule, so a job still retrying is left to it.
 */
export const OVERDUE_GRACE_MS = 5 * 60_000;
/**
 * How far before the last pass an incremental pass looks for new timers: a
 * timer's created_at is its transaction's start, and a transaction that began
 * before the last pass but committed after it was not seen by that pass.
 */
export const RECENT_MARGIN_MS = 5 * 60_000;

/**
 * Puts timers on the queue. Under the system clock each pending timer is a
 * delayed BullMQ job (id = timer id, so re-adding is harmless); under the manual
 * clock nothing is delayed by wall time: moving the clock fires what is due.
 */
@Injectable()
export class TimerScheduler {
  private readonly logger = new Logger('Timers');
  /** When (database time) this process's last complete reconcile began. */
  private lastPassStartedAt?: Date;

  constructor(
    private readonly db: DataSource,
    private readonly transitions: TransitionQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async schedule(timers: TimerRow[]): Promise<void> {
    if (this.clock instanceof ManualClock) return;
    const now = this.clock.now().getTime();
    await this.transitions.enqueueMany(
      timers.map((t) => ({
        name: TIMER_JOB[t.kind],
        data: { applicationId: t.applicationId, timerId: t.id },
        jobId: t.id,
        delayMs: this.runAt(t) - now,
      })),
    );
  }

  /**
   * When (epoch ms, system clock) a timer's job is to run: a review deadline
   * REVIEW_DEADLINE_GRACE_SECONDS after it is due, so that a decision asked in
   * time but still on its way is applied first; a notice's end when it is due
   * (an objection filed in time is written at once, under the notice's lock).
   * The timer takes effect at its due instant either way.
   */
  runAt(timer: { kind: TimerKind; dueAt: Date }): number {
    const grace = timer.kind === 'review_deadline' ? this.config.reviewDeadlineGraceSeconds : 0;
    return timer.dueAt.getTime() + grace * 1000;
  }

  /**
   * Rebuilds timer jobs from PostgreSQL, a thousand per round trip; a job that
   * exists is left alone (asked first: re-adding every recent timer's job
   * each minute stalled the worker's transitions for a fifth of a second
   * under load). A full pass (every pending timer) runs at a worker's
   * start and whenever Redis has lost the queue's keys (the mark a pass leaves
   * there is gone: a wipe, a Redis without persistence restarted). Otherwise a
   * pass looks only at timers created since shortly before the last one began
   * (a crash between a commit and its scheduling) and at timers well past due:
   * one whose job failed for good (every attempt met a database that was down,
   * or it was refused) gets fresh attempts, since the row says it has not
   * fired; a refused one OVERDUE_GRACE_MS after its last refusal, so that a
   * timer refused until someone puts its cause right is tried every few
   * minutes, not by every worker at every pass. Re-adding every
   * pending timer every minute cost each worker seconds of Redis work at a
   * county's scale. Returns how many it visited.
   */
  async reconcile(): Promise<number> {
    if (this.clock instanceof ManualClock) return 0;
    // Read once: the start-up pass and a periodic one may overlap.
    const last = this.lastPassStartedAt;
    const [{ now: passStartedAt }]: { now: Date }[] = await this.db.query(`SELECT now() AS now`);
    const overdueBefore = new Date(this.clock.now().getTime() - OVERDUE_GRACE_MS);
    const full = !last || !(await this.transitions.timerJobsMarked());
    const scope = full
      ? undefined
      : { createdSince: new Date(last.getTime() - RECENT_MARGIN_MS), dueBefore: overdueBefore };
    let visited = 0;
    let added = 0;
    let retried = 0;
    try {
      // Marked first: a wipe during the pass takes the mark too, so the next pass is full.
      if (full) await this.transitions.markTimerJobs();
      let afterId = '';
      for (;;) {
        const batchStartedAt = performance.now();
        const batch = await pendingTimersAfter(this.db, afterId, full ? BATCH : PACED_BATCH, scope);
        if (batch.length === 0) break;
        const missing = await this.transitions.missingJobs(batch.map((t) => t.id));
        await this.schedule(batch.filter((t) => missing.has(t.id)));
        added += missing.size;
        // A job just added has not failed: only the ones Redis held may need fresh attempts.
        for (const t of batch)
          if (
            t.dueAt < overdueBefore &&
            !missing.has(t.id) &&
            (await this.transitions.retryFailed(t.id, { refusedBefore: overdueBefore }))
          )
            retried += 1;
        visited += batch.length;
        afterId = batch[batch.length - 1].id;
        if (!full) await this.restAfterBatch(performance.now() - batchStartedAt);
      }
    } catch (error) {
      // Only a pass that went through bounds the next one.
      this.lastPassStartedAt = undefined;
      throw error;
    }
    this.lastPassStartedAt = passStartedAt;
    if (visited > 0)
      this.logger.log(
        `reconciled ${visited} pending timer(s) (${full ? 'all' : 'recent or overdue'}): ` +
          `${added} job(s) missing and added, ${retried} retried`,
      );
    return visited;
  }

  /** A periodic pass's rest after a batch that took `busyMs` (see PACED_BATCH). */
  restAfterBatch(busyMs: number): Promise<void> {
    return sleep(busyMs * PACED_REST_PER_BUSY);
  }

  /**
   * Manual clock: fires, in due order, every timer due by `now`, waiting for
   * each outcome; a firing may create timers already due, so it repeats until
   * none is. A timer whose firing was refused (e.g. the next deadline falls in
   * a year the official calendar does not cover yet) stays pending and is not
   * tried again in this call: moving the clock must always return. The next
   * move tries it again (a recorded refusal does not settle a timer).
   */
  async fireDue(now: Date): Promise<number> {
    let fired = 0;
    const refused: string[] = [];
    for (;;) {
      const due = await dueTimers(this.db, now, BATCH, refused);
      if (due.length === 0) return fired;
      const statuses = await this.transitions.runMany(
        due.map((t) => ({
          name: TIMER_JOB[t.kind],
          data: { applicationId: t.applicationId, timerId: t.id },
          jobId: t.id,
        })),
      );
      statuses.forEach((status, i) => {
        if (status === 200) fired += 1;
        else {
          refused.push(due[i].id);
          this.logger.warn(`timer ${due[i].id} refused with ${status}; left pending`);
        }
      });
    }
  }
}
