/**
 * Polls `condition` until it holds; throws after `timeoutMs`. For what
 * happens beside the test (a worker, a timer, the statistics' flush), never
 * as a substitute for awaiting what the test itself started.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
