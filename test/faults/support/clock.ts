import { FaultBed } from './fault-bed';

/**
 * Moves the manual clock; every timer due by then fires before it answers.
 * Retried until it answers 200 (a fault may interrupt the firing; moving to the
 * same instant again fires what is still due). Returns the retries it took;
 * `failures` collects the answers that made it retry ("500 INTERNAL_ERROR").
 */
export async function moveClock(
  bed: FaultBed,
  adminToken: string,
  now: string,
  failures: string[] = [],
): Promise<number> {
  for (let retries = 0; ; retries++) {
    const reply = await bed.client.post('/api/admin/clock', {
      token: adminToken,
      body: { now },
      timeoutMs: 600_000,
    });
    if (reply.status === 200) return retries;
    failures.push(`${reply.status} ${(reply.body as { code?: string } | null)?.code ?? ''}`.trim());
    if (retries >= 40)
      throw new Error(`clock to ${now}: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
}
