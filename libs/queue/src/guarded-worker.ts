import { Job, Span, Worker } from 'bullmq';
import { closeWithin, WORKER_CLOSE_TIMEOUT_MS } from './close-within';

/**
 * A BullMQ worker whose connections can be cut while its jobs still run.
 *
 * Shutdown closes a worker gracefully and cuts its connections if that takes
 * too long (`closeWithin`). BullMQ 5 retries recording a job's end (completed
 * or failed) for as long as Redis cannot be reached, and, once the worker is
 * closing, with no delay between tries. A job that ended after the cut would
 * therefore retry against the closed connection in a chain of promises that
 * never yields to the event loop: the process would spin at full CPU and
 * never end (a worker process told to stop, and a test run, hung this way,
 * 2026-12-06; docs/reliability.md, finding 9).
 *
 * So once the connections are cut, a job's end is not sent: the worker
 * answers as BullMQ does itself once its connection is closing (no next
 * job), as if the process had died with the job. Its lock expires, another
 * worker takes the job up, and the outcome recorded with its transition makes
 * that redelivery harmless.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- BullMQ's own defaults
export class GuardedWorker<D = any, R = any, N extends string = string> extends Worker<D, R, N> {
  private cut = false;

  /** Cuts the connection; from then on no job's end is sent. */
  override async disconnect(): Promise<void> {
    this.cut = true;
    // A close that ran out of time never reaches the lock manager's own close:
    // its renewal timer would go on firing against the closed connection, and
    // keep the process alive.
    await this.lockManager.close();
    await super.disconnect();
  }

  protected override handleCompleted(
    result: R,
    job: Job<D, R, N>,
    token: string,
    fetchNextCallback?: () => boolean,
    span?: Span,
  ): Promise<Job<D, R, N>> {
    if (this.cut) return noNextJob();
    return super.handleCompleted(result, job, token, fetchNextCallback, span);
  }

  protected override handleFailed(
    err: Error,
    job: Job<D, R, N>,
    token: string,
    fetchNextCallback?: () => boolean,
    span?: Span,
  ): Promise<Job<D, R, N>> {
    if (this.cut) return noNextJob();
    return super.handleFailed(err, job, token, fetchNextCallback, span);
  }
}

/**
 * BullMQ's answer once its connection is closing: no next job. Its typings
 * say a job; its code answers undefined there, and its main loop takes that.
 */
const noNextJob = <T>(): Promise<T> => Promise.resolve(undefined as T);

/**
 * Closes `worker` within WORKER_CLOSE_TIMEOUT_MS (closeWithin), and says so
 * through `warn` when it had to cut its connections instead.
 */
export async function closeWorker(
  worker: GuardedWorker,
  name: string,
  warn: (message: string) => void,
): Promise<void> {
  if ((await closeWithin(worker, WORKER_CLOSE_TIMEOUT_MS)) === 'closed') return;
  warn(
    `${name} not closed within ${WORKER_CLOSE_TIMEOUT_MS} ms: its connections were cut, and a job still running is left to be redelivered`,
  );
}
