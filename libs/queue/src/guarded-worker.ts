import { Job, Span, Worker } from 'bullmq';

/** A promise that never settles: what a held job's end becomes. */
const held = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * A BullMQ worker whose connections can be cut while its jobs still run.
 *
 * Shutdown closes a worker gracefully and cuts its connections if that takes
 * too long (`closeWithin`). BullMQ 5 retries recording a job's end (completed
 * or failed) for as long as Redis cannot be reached, and, once the worker is
 * closing, with no delay between tries. A job that ended after the cut would
 * therefore retry against the closed connection in a chain of promises that
 * never yields to the event loop: the process would spin at full CPU and
 * never end (a test run hung this way, 2026-12-06).
 *
 * So once the connections are cut, a job that ends is held: its end is never
 * recorded, as if the process had died with it. Its lock is no longer renewed;
 * once the lock expires another worker takes the job up, and the outcome
 * recorded with its transition makes that redelivery harmless.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- BullMQ's own defaults
export class GuardedWorker<D = any, R = any, N extends string = string> extends Worker<D, R, N> {
  private cut = false;

  /** Cuts the connections; jobs still running are held from then on. */
  override async disconnect(): Promise<void> {
    this.cut = true;
    // Renewing the held jobs' locks would fail every few seconds against the
    // closed connection, and its timer would keep the process alive.
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
    if (this.cut) return held();
    return super.handleCompleted(result, job, token, fetchNextCallback, span);
  }

  protected override handleFailed(
    err: Error,
    job: Job<D, R, N>,
    token: string,
    fetchNextCallback?: () => boolean,
    span?: Span,
  ): Promise<Job<D, R, N>> {
    if (this.cut) return held();
    return super.handleFailed(err, job, token, fetchNextCallback, span);
  }
}
