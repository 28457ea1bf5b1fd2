/**
 * Runs `work` over `items` with at most `limit` in flight, in order of start.
 * The first failure is rethrown once everything started has settled.
 */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async (): Promise<void> => {
    while (next < items.length && failure === null) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/**
 * Splits `items` into waves, each in the items' order, such that no two items
 * of one wave share a key and every item comes after each earlier item it
 * shares a key with.
 */
export function inWaves<T>(items: readonly T[], keysOf: (item: T) => Iterable<string>): T[][] {
  const waves: T[][] = [];
  const lastWaveOf = new Map<string, number>();
  for (const item of items) {
    const keys = [...keysOf(item)];
    const wave = Math.max(0, ...keys.map((k) => (lastWaveOf.get(k) ?? -1) + 1));
    for (const k of keys) lastWaveOf.set(k, wave);
    (waves[wave] ??= []).push(item);
  }
  return waves;
}

/**
 * `runLimited`, one wave of `inWaves` after another: items that share a key
 * (households with a person in common) are never in flight together, and
 * run in the items' order rather than in the order their concurrent work
 * happens to finish.
 */
export async function runInWaves<T>(
  items: readonly T[],
  keysOf: (item: T) => Iterable<string>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (const wave of inWaves(items, keysOf)) await runLimited(wave, limit, work);
}

/** Latencies of one kind of command, in milliseconds. */
export class Latencies {
  private readonly samples: number[] = [];

  add(ms: number): void {
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  summary(): { count: number; mean: number; p50: number; p95: number; max: number } {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const total = sorted.reduce((s, x) => s + x, 0);
    return {
      count: sorted.length,
      mean: sorted.length ? total / sorted.length : 0,
      p50: at(0.5),
      p95: at(0.95),
      max: sorted.at(-1) ?? 0,
    };
  }
}

/**
 * Errors of a shared, busy server that a later attempt may not meet:
 * PostgreSQL's connection limit, a dropped connection, and the pool's wait for
 * a free connection outlasting its timeout (nothing was sent, so a retry is safe).
 */
export function isTransient(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /too many clients|remaining connection slots|ECONNRESET|Connection terminated|timeout exceeded when trying to connect/i.test(
    message,
  );
}

/** Runs `work`, again after a pause when it fails transiently; counts the retries in `retries`. */
export async function retryTransient<T>(
  work: () => Promise<T>,
  retries: { count: number },
  attempts = 6,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      retries.count += 1;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}
