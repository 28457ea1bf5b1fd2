const EXPIRED = Symbol('expired');

/**
 * What `promise` settles to, or what `onTimeout` answers (or throws) once `ms`
 * pass first. The promise is not cancelled: it goes on, and its late result or
 * error is dropped. For calls to Redis or PostgreSQL whose client would wait
 * as long as the server is away (BullMQ's and ioredis' connections queue their
 * commands until it is back).
 */
export async function within<T, F = never>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(EXPIRED), Math.max(0, ms));
  });
  promise.catch(() => undefined);
  try {
    const result = await Promise.race([promise, expired]);
    return result === EXPIRED ? onTimeout() : result;
  } finally {
    clearTimeout(timer);
  }
}
