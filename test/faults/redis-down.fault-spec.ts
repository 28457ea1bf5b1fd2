import { FaultBed } from './support/fault-bed';
import { outageUnderLoad } from './support/outage-under-load';
import { PrivateRedis } from './support/private-redis';
import { atScale } from './support/scale';

const { applications, timeoutMs } = atScale({
  quick: { applications: 100, timeoutMs: 5 * 60_000 },
  full: { applications: 1_000, timeoutMs: 30 * 60_000 },
});
const OUTAGE_MS = 10_000;

/**
 * Redis (the test's own) is killed in the middle of a load and started again
 * 10 s later, empty, as a Redis without persistence comes back: the queue,
 * its waiting jobs and every event are gone. Health must say so (503) while it
 * is away, and commands 503, never 500 (a command whose job went with Redis is
 * pending, not failed); the service must resume without anyone restarting it;
 * every command it acknowledged must be in PostgreSQL, and the rest must go
 * through on retry.
 */
describe('Redis down for 10 s under load', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;

  afterAll(async () => {
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it(
    `answers 503 on health while Redis is away, resumes by itself and keeps every acknowledged command (${applications} applications)`,
    async () => {
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({ name: 'redis-down', redis, clock: 'manual', workers: 2 });
      await outageUnderLoad(bed, {
        title: 'Redis down 10 s under load',
        applications,
        outage: { down: () => redis!.down(), up: () => redis!.up(), forMs: OUTAGE_MS },
        noServerErrors: true,
      });
    },
    timeoutMs,
  );
});
