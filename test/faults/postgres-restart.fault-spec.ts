import { FaultBed } from './support/fault-bed';
import { outageUnderLoad } from './support/outage-under-load';
import { PrivatePostgres } from './support/private-postgres';
import { PrivateRedis } from './support/private-redis';
import { atScale } from './support/scale';

const { applications, timeoutMs } = atScale({
  quick: { applications: 100, timeoutMs: 5 * 60_000 },
  full: { applications: 1_000, timeoutMs: 30 * 60_000 },
});
const OUTAGE_MS = 10_000;

/**
 * PostgreSQL (a cluster of the test's own) crashes in the middle of a load
 * (`pg_ctl stop -m immediate`: no checkpoint, connections cut) and is started
 * again 10 s later, replaying its WAL. Health and commands must answer 503
 * meanwhile (never 500: the client is to come back); the API and the workers
 * must reconnect by themselves; every command acknowledged
 * before the crash must have survived it, and the rest must go through on retry.
 */
describe('PostgreSQL restarted under load', () => {
  let postgres: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;

  afterAll(async () => {
    await bed?.close();
    await redis?.down();
    await postgres?.destroy();
  }, 120_000);

  it(
    `answers 503 on health while PostgreSQL is away, resumes by itself and keeps every acknowledged command (${applications} applications)`,
    async () => {
      postgres = await PrivatePostgres.start();
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({
        name: 'postgres-restart',
        redis,
        postgres,
        clock: 'manual',
        workers: 2,
      });
      await outageUnderLoad(bed, {
        title: 'PostgreSQL restarted (crash, 10 s down) under load',
        applications,
        outage: {
          down: () => postgres!.down('immediate'),
          up: () => postgres!.up(),
          forMs: OUTAGE_MS,
        },
        noServerErrors: true,
      });
    },
    timeoutMs,
  );
});
