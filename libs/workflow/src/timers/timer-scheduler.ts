import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, ManualClock } from '@app/clock';
import { TransitionQueue } from '../queue/transition-queue';
import { dueTimers, pendingTimersAfter, TIMER_JOB, TimerRow } from './timer-store';

const BATCH = 1000;

/**
 * Puts timers on the queue. Under the system clock each pending timer is a
 * delayed BullMQ job (id = timer id, so re-adding is harmless); under the manual
 * clock nothing is delayed by wall time: moving the clock fires what is due.
 */
@Injectable()
export class TimerScheduler {
  private readonly logger = new Logger('Timers');

  constructor(
    private readonly db: DataSource,
    private readonly transitions: TransitionQueue,
    private readonly clock: Clock,
  ) {}

  async schedule(timers: TimerRow[]): Promise<void> {
    if (this.clock instanceof ManualClock) return;
    const now = this.clock.now().getTime();
    for (const t of timers) {
      await this.transitions.enqueue(
        TIMER_JOB[t.kind],
        { applicationId: t.applicationId, timerId: t.id },
        t.id,
        t.dueAt.getTime() - now,
      );
    }
  }

  /**
   * Rebuilds every pending timer's job from PostgreSQL (after a Redis wipe, or
   * a crash between a commit and its scheduling). Returns how many it visited.
   */
  async reconcile(): Promise<number> {
    if (this.clock instanceof ManualClock) return 0;
    let visited = 0;
    let afterId = '';
    for (;;) {
      const batch = await pendingTimersAfter(this.db, afterId, BATCH);
      if (batch.length === 0) break;
      await this.schedule(batch);
      visited += batch.length;
      afterId = batch[batch.length - 1].id;
    }
    if (visited > 0) this.logger.log(`reconciled ${visited} pending timer(s)`);
    return visited;
  }

  /**
   * Manual clock: fires, in due order, every timer due by `now`, waiting for
   * each outcome; a firing may create timers already due, so it repeats until none is.
   */
  async fireDue(now: Date): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await dueTimers(this.db, now, BATCH);
      if (due.length === 0) return fired;
      await Promise.all(
        due.map((t) =>
          this.transitions.run(
            TIMER_JOB[t.kind],
            { applicationId: t.applicationId, timerId: t.id },
            t.id,
          ),
        ),
      );
      fired += due.length;
    }
  }
}
