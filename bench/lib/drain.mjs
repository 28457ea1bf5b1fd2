// @ts-check
/**
 * How long a worker takes over a batch of jobs: the queue is paused, the batch
 * added, then the queue is resumed and the clock runs until every job of the
 * batch has completed (completed count polled every 20 ms). The same for the
 * baseline and for the service, so their figures compare.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Completed jobs are kept up to KEEP_COMPLETED.count (100,000) per queue; the
 * count this measures by would stop growing past it.
 */
export const MAX_COMPLETED_PER_QUEUE = 100_000;

/**
 * @param {import('bullmq').Queue} queue
 * @param {() => Promise<number>} enqueue adds the batch, returns its size
 * @param {{ timeoutMs?: number, onFailed?: () => Promise<string> }} [options]
 * @returns {Promise<{ jobs: number, ms: number }>}
 */
export async function drain(queue, enqueue, options = {}) {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  await queue.pause();
  const before = await queue.getJobCounts('completed', 'failed');
  const jobs = await enqueue();
  if (before.completed + jobs > MAX_COMPLETED_PER_QUEUE)
    throw new Error('too many jobs for one queue: completed jobs are trimmed at 100,000');
  const start = performance.now();
  await queue.resume();
  for (;;) {
    const now = await queue.getJobCounts('completed', 'failed');
    if (now.failed > before.failed) {
      const why = options.onFailed ? await options.onFailed() : '';
      throw new Error(`${now.failed - before.failed} job(s) failed ${why}`);
    }
    if (now.completed - before.completed >= jobs) return { jobs, ms: performance.now() - start };
    if (performance.now() - start > timeoutMs) throw new Error('the batch did not drain in time');
    await sleep(20);
  }
}

/**
 * Runs `add` over `items` with at most `width` in flight (enqueueing one job per item).
 * @template T @param {T[]} items @param {(item: T) => Promise<unknown>} add @param {number} [width]
 */
export async function eachLimited(items, add, width = 200) {
  for (let i = 0; i < items.length; i += width) {
    await Promise.all(items.slice(i, i + width).map(add));
  }
}

/** The reason of the last failed job (for the error message). @param {import('bullmq').Queue} queue */
export async function lastFailure(queue) {
  const [job] = await queue.getFailed(0, 0);
  return job ? `(${job.name} ${job.id}: ${job.failedReason})` : '';
}
