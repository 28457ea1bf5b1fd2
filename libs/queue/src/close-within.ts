/**
 * How long shutdown waits for BullMQ to close gracefully before cutting its
 * connections: a worker gets time for its running jobs (short transactions);
 * a queue or event listener has nothing to finish.
 */
export const WORKER_CLOSE_TIMEOUT_MS = 10_000;
export const QUEUE_CLOSE_TIMEOUT_MS = 3_000;

/**
 * Closes a BullMQ queue, worker or event listener gracefully (a worker lets its
 * running jobs finish), but never hangs a shutdown: with Redis unreachable a
 * graceful close waits forever, so after `timeoutMs` the connections are cut.
 * A job cut off that way is redelivered; its outcome is recorded with its
 * transition. A worker must be a GuardedWorker for its connections to be cut
 * safely while a job runs. Says whether it closed or had to cut.
 */
export async function closeWithin(
  closable: {
    close(): Promise<void>;
    disconnect(): Promise<void>;
    waitUntilReady(): Promise<unknown>;
  },
  timeoutMs = QUEUE_CLOSE_TIMEOUT_MS,
): Promise<'closed' | 'cut'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  // A connection closed while BullMQ is still opening it fails its opening with
  // an 'error' no listener hears (a process stopped right after it started):
  // let the opening end first, within the same time.
  const ready = closable.waitUntilReady().then(
    () => 'ready' as const,
    () => 'ready' as const,
  );
  let result: 'ready' | 'closed' | 'timeout' = await Promise.race([ready, timedOut]);
  if (result === 'ready') {
    const closing = closable.close().catch(() => undefined);
    result = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  }
  clearTimeout(timer);
  // Not awaited: BullMQ's disconnect also waits for a Redis that never answered.
  // Nest re-raises the shutdown signal after its hooks, so the process still ends.
  if (result !== 'timeout') return 'closed';
  void closable.disconnect().catch(() => undefined);
  return 'cut';
}
