import { CommandSender } from './support/commands';
import { FaultBed } from './support/fault-bed';
import { printFigures, seconds } from './support/figures';
import { draftsInWorld } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { Journey, tallyAnswers, transitionsMade } from './support/journey';
import { PrivateRedis } from './support/private-redis';
import { QueueWatch } from './support/queue-watch';
import { atScale } from './support/scale';
import { WorkerChurn } from './support/worker-churn';

const { applications, restarts, timeoutMs } = atScale({
  // The load must outlast five rolling restarts (each waits 2-4 s for its replacement):
  // 300 applications took 12 s on a fast machine by 2026-12-03, and 600 took 14 s once
  // transitions ran on generic plans (2026-12-05), the fifth restart then not reached.
  quick: { applications: 1_200, restarts: 5, timeoutMs: 10 * 60_000 },
  full: { applications: 2_000, restarts: 20, timeoutMs: 60 * 60_000 },
});

/**
 * Restarts start at random points of the first 30% of the load: each waits for
 * the previous replacement to be ready (2–4 s), so they spread on by themselves
 * and all fall while the load runs, even on a fast machine.
 */
const RESTARTS_START_WITHIN = { from: 0.02, to: 0.3 };

/**
 * A deployment restarts workers one after another with SIGTERM (a rolling
 * update). A worker told to stop takes no new job, finishes those it runs and
 * exits: no job may be left for the stalled-job check to find, none may fail,
 * and nothing may be lost.
 */
describe('rolling SIGTERM restarts of worker processes under load', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;
  let watch: QueueWatch | undefined;

  afterAll(async () => {
    await watch?.close();
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it(
    `takes ${applications} applications to the archive across ${restarts} rolling restarts with no job stalled or failed`,
    async () => {
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({ name: 'graceful-shutdown', redis, clock: 'manual', workers: 2 });
      const db = bed.db;
      const { world, applicant, ids } = await draftsInWorld(bed, applications);
      watch = await QueueWatch.start(bed.env);

      const journey = new Journey(bed, world, applicant, new CommandSender(bed.client));
      const churn = new WorkerChurn(bed, {
        signal: 'SIGTERM',
        times: restarts,
        rolling: true,
        window: RESTARTS_START_WITHIN,
        total: applications * Journey.TRANSITIONS_PER_APPLICATION,
        progress: () => transitionsMade(db),
      });
      const started = Date.now();
      churn.start();
      try {
        await journey.run(ids);
      } finally {
        await churn.stop();
      }
      const elapsedMs = Date.now() - started;

      const finals: { status: string; n: string }[] = await db.query(
        `SELECT status, count(*) AS n FROM applications GROUP BY status`,
      );
      const jobs = await watch.finishedJobStats();
      const found = await violations(db);
      const exits = churn.events.map((e) => e.exit);

      printFigures('Graceful shutdown (rolling SIGTERM)', {
        applications,
        'transitions made': await transitionsMade(db),
        'rolling restarts': churn.events.length,
        'restarts at progress': churn.events.map((e) => e.atProgress).join(', '),
        'worker exits': [...new Set(exits)]
          .map((x) => `${x}×${exits.filter((e) => e === x).length}`)
          .join(' '),
        'workers that had to be killed': churn.events.filter((e) => e.forced).length,
        'slowest SIGTERM to exit': seconds(Math.max(...churn.events.map((e) => e.stopMs))),
        'stalled events': watch.stalledEvents,
        'runs cut off by a stall (job counters)': jobs.stalls,
        'job attempts retried after an error': jobs.retriedAttempts,
        'jobs failed for good': jobs.failedJobs,
        'HTTP answers': journey.sender.summary(),
        'codes of the fault answers': journey.sender.faultCodes() || 'none',
        'answers that made a clock move retry': tallyAnswers(journey.clockFailures),
        'slowest command (with retries)': seconds(journey.sender.slowestMs),
        'final statuses': finals.map((f) => `${f.status}×${f.n}`).join(' '),
        'elapsed under restarts': seconds(elapsedMs),
        ...found,
      });

      expect(churn.events).toHaveLength(restarts);
      expect(churn.events.filter((e) => e.forced)).toEqual([]);
      expect(watch.stalledEvents).toBe(0);
      expect(jobs.stalls).toBe(0);
      expect(jobs.retriedAttempts).toBe(0);
      expect(watch.failed).toEqual([]);
      expect(journey.refusals).toEqual([]);
      expect(finals).toEqual([{ status: 'approved', n: String(applications) }]);
      expect(found).toEqual(NO_VIOLATIONS);
    },
    timeoutMs,
  );
});
