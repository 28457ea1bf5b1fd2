import { CommandSender } from './support/commands';
import { FaultBed } from './support/fault-bed';
import { printFigures, seconds } from './support/figures';
import { draftsInWorld } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { Journey, tallyAnswers, transitionsMade } from './support/journey';
import { PrivateRedis } from './support/private-redis';
import { QueueWatch } from './support/queue-watch';
import { atScale } from './support/scale';
import { burst, WHOLE_LOAD, WorkerChurn } from './support/worker-churn';

/**
 * The quick scale kills in a burst: a redelivery waits for the dead worker's
 * lock to expire (LOCK_DURATION_MS, 10 s), and kills far apart would each hold the load
 * up that long. The full scale spreads its kills over the whole load.
 */
const { applications, kills, window, timeoutMs } = atScale({
  quick: { applications: 200, kills: 5, window: burst(), timeoutMs: 10 * 60_000 },
  full: { applications: 10_000, kills: 50, window: WHOLE_LOAD, timeoutMs: 4 * 3600_000 },
});

/**
 * Worker processes die without warning (SIGKILL: no shutdown hook, no lock
 * release) at random moments while applications go from submission to the
 * archive; each is restarted. BullMQ hands the jobs of a dead worker to
 * another once their lock expires (the `stalled` event), and the engine's
 * recorded outcomes must make every redelivery harmless.
 */
describe('worker processes killed with SIGKILL under load', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;
  let watch: QueueWatch | undefined;

  afterAll(async () => {
    await watch?.close();
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it(
    `takes ${applications} applications through the three levels across ${kills} kills, losing and doubling nothing`,
    async () => {
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({ name: 'worker-crash', redis, clock: 'manual', workers: 2 });
      const db = bed.db;
      const { world, applicant, ids } = await draftsInWorld(bed, applications);
      watch = await QueueWatch.start(bed.env);

      const journey = new Journey(bed, world, applicant, new CommandSender(bed.client));
      const churn = new WorkerChurn(bed, {
        signal: 'SIGKILL',
        times: kills,
        rolling: false,
        window,
        total: applications * Journey.TRANSITIONS_PER_APPLICATION,
        progress: () => transitionsMade(db),
        // A kill while no job runs redelivers nothing: each waits for one in progress.
        busy: async () => (await watch!.queue.getActiveCount()) > 0,
      });
      const started = Date.now();
      churn.start();
      try {
        await journey.run(ids);
      } finally {
        await churn.stop();
      }
      const elapsedMs = Date.now() - started;

      const finals: { status: string; n: string; archived: string }[] = await db.query(
        `SELECT status, count(*) AS n, count(archive_no) AS archived FROM applications GROUP BY status`,
      );
      const [{ n: incomplete }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM (SELECT 1 FROM application_history GROUP BY application_id
           HAVING count(*) <> ${Journey.TRANSITIONS_PER_APPLICATION}) x`,
      );
      const [{ n: alerts }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM alerts WHERE kind = 'overdue'`,
      );
      // A stalled job whose outcome was recorded before the stall had committed its transition:
      // its redelivery found the outcome and changed nothing.
      const stalledIds = [...watch.stalledAt.keys()];
      const recorded: { job_id: string; created_at: Date }[] = await db.query(
        `SELECT job_id, created_at FROM command_results WHERE job_id = ANY($1::text[])`,
        [stalledIds],
      );
      const replays = recorded.filter(
        (r) => r.created_at.getTime() < watch!.stalledAt.get(r.job_id)!,
      ).length;
      const jobs = await watch.finishedJobStats();
      const found = await violations(db);

      printFigures('Worker crash (SIGKILL)', {
        applications,
        'transitions made': await transitionsMade(db),
        'worker kills': churn.events.length,
        'kills at progress': churn.events.map((e) => e.atProgress).join(', '),
        'stalled events (redeliveries)': watch.stalledEvents,
        'stalled jobs already committed (outcome replayed)': replays,
        'job attempts retried after an error': jobs.retriedAttempts,
        'jobs failed for good': jobs.failedJobs,
        'HTTP answers': journey.sender.summary(),
        'codes of the fault answers': journey.sender.faultCodes() || 'none',
        'slowest command (with retries)': seconds(journey.sender.slowestMs),
        'clock moves': journey.clockMoves,
        'answers that made a clock move retry': tallyAnswers(journey.clockFailures),
        '200 answers without the application view': journey.answersWithoutView.length,
        'such an answer': JSON.stringify(journey.answersWithoutView[0]?.body ?? null),
        'final statuses': finals.map((f) => `${f.status}×${f.n}`).join(' '),
        'elapsed under churn': seconds(elapsedMs),
        ...found,
      });

      expect(journey.refusals).toEqual([]);
      expect(finals).toEqual([
        { status: 'approved', n: String(applications), archived: String(applications) },
      ]);
      expect(Number(incomplete)).toBe(0);
      expect(Number(alerts)).toBe(applications);
      expect(found).toEqual(NO_VIOLATIONS);
      expect(watch.failed).toEqual([]);
      expect(churn.events).toHaveLength(kills);
      // Without a redelivery the kills hit no job, and the test tested nothing.
      expect(watch.stalledEvents).toBeGreaterThan(0);
    },
    timeoutMs,
  );
});
