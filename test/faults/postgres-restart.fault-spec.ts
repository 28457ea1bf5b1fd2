import { setClock, workflowWorld } from '../support/workflow-fixture';
import { FaultBed } from './support/fault-bed';
import { printFigures } from './support/figures';
import { readyDrafts, registerApplicant } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { loadThroughOutage, lostAcknowledged, outageFigures } from './support/outage';
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
 * again 10 s later, replaying its WAL. Health must answer 503 meanwhile; the
 * API and the workers must reconnect by themselves; every command acknowledged
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
      const world = await workflowWorld(bed.api);
      const applicant = await registerApplicant(bed);
      const community = world.tree.towns[0].communities[0];
      const ids = await readyDrafts(
        bed,
        applicant,
        { campaignId: world.campaignId, communityId: community },
        applications,
      );
      await setClock(bed.api, world.admin, '2025-09-26T10:00:00+08:00');
      const workers = bed.liveWorkers().map((w) => w.pid);

      const run = await loadThroughOutage(bed, world, applicant, ids, {
        down: () => postgres!.down('immediate'),
        up: () => postgres!.up(),
        forMs: OUTAGE_MS,
      });

      const lost = await lostAcknowledged(bed.db, run.load.acknowledged);
      const finals: { status: string; n: string }[] = await bed.db.query(
        `SELECT status, count(*) AS n FROM applications GROUP BY status`,
      );
      const during = run.probe.within(run.downFrom, run.downUntil);
      const found = await violations(bed.db);
      printFigures('PostgreSQL restarted (crash, 10 s down) under load', {
        applications,
        ...outageFigures(run),
        'acknowledged commands missing from the database': lost,
        'worker processes that died': workers.filter(
          (pid) => !bed!.liveWorkers().some((w) => w.pid === pid),
        ).length,
        'final statuses': finals.map((f) => `${f.status}×${f.n}`).join(' '),
        ...found,
      });

      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((s) => s.status !== 503)).toEqual([]);
      expect(run.load.refusals).toEqual([]);
      expect(run.load.acknowledged).toHaveLength(applications * 2);
      expect(lost).toBe(0);
      expect(finals).toEqual([{ status: 'community_notice', n: String(applications) }]);
      expect(bed.liveWorkers().map((w) => w.pid)).toEqual(workers);
      expect(found).toEqual(NO_VIOLATIONS);
    },
    timeoutMs,
  );
});
