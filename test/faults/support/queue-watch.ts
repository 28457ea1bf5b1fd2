import { Job, Queue, QueueEvents } from 'bullmq';
import { loadConfig } from '@app/config';
import { queueConnection, QUEUES } from '@app/queue';

/**
 * Watches the transitions queue from outside, as an operator would: BullMQ's
 * `stalled` events (a job whose worker stopped renewing its lock, handed to
 * another worker) and `failed` events (a job that failed for good), and at the
 * end each finished job's own counters.
 */
export class QueueWatch {
  /** Job id → when its (first) stall was seen. */
  readonly stalledAt = new Map<string, number>();
  stalledEvents = 0;
  readonly failed: { jobId: string; reason: string }[] = [];

  private constructor(
    private readonly events: QueueEvents,
    readonly queue: Queue,
  ) {
    events.on('stalled', ({ jobId }) => {
      this.stalledEvents += 1;
      if (!this.stalledAt.has(jobId)) this.stalledAt.set(jobId, Date.now());
    });
    events.on('failed', ({ jobId, failedReason }) =>
      this.failed.push({ jobId, reason: failedReason }),
    );
  }

  static async start(env: Record<string, string>): Promise<QueueWatch> {
    const { connection, prefix } = queueConnection(loadConfig(env));
    const events = new QueueEvents(QUEUES.transitions, { connection, prefix });
    await events.waitUntilReady();
    return new QueueWatch(events, new Queue(QUEUES.transitions, { connection, prefix }));
  }

  /**
   * Over every finished job kept in Redis: how many runs a stall cut off
   * (`stc`), how many attempts failed and were retried, and the jobs failed for good.
   */
  async finishedJobStats(): Promise<{
    jobs: number;
    stalls: number;
    retriedAttempts: number;
    failedJobs: number;
  }> {
    let jobs = 0;
    let stalls = 0;
    let retriedAttempts = 0;
    for (const state of ['completed', 'failed'] as const) {
      for (let start = 0; ; start += 1000) {
        const page: Job[] = await this.queue.getJobs([state], start, start + 999, true);
        for (const job of page.filter(Boolean)) {
          jobs += 1;
          stalls += job.stalledCounter ?? 0;
          retriedAttempts += Math.max(0, job.attemptsMade - 1);
        }
        if (page.length < 1000) break;
      }
    }
    return { jobs, stalls, retriedAttempts, failedJobs: await this.queue.getFailedCount() };
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), this.queue.close()]);
  }
}
