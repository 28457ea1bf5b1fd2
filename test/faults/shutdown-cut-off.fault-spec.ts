import { readFile } from 'node:fs/promises';
import { WORKER_CLOSE_TIMEOUT_MS } from '@app/queue';
import { someoneWaitsOnALock } from '../support/engine-jobs';
import { CommandSender } from './support/commands';
import { FaultBed } from './support/fault-bed';
import { printFigures, seconds } from './support/figures';
import { draftsInWorld } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { PrivateRedis } from './support/private-redis';
import { QueueWatch } from './support/queue-watch';
import { sleep, waitUntil } from './support/wait';

/** How long the stopped worker may take to exit after its cut: its other hooks. */
const EXIT_AFTER_CUT_MS = 20_000;

/**
 * A worker told to stop (SIGTERM) waits WORKER_CLOSE_TIMEOUT_MS for its running
 * jobs, then cuts its Redis connections. Here its job is a transaction waiting
 * on a row the test holds; the shutdown's next step ends the database pool,
 * which fails that job after the cut. BullMQ's own Worker then retried
 * recording the failure against the closed connection with no delay, and the
 * process spun at full CPU instead of ending (GuardedWorker sends no job's end
 * after the cut). The job must be another worker's to take up once its lock
 * expires, and be applied exactly once.
 */
describe('a worker stopped while a job outlasts its close', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;
  let watch: QueueWatch | undefined;

  afterAll(async () => {
    await watch?.close();
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it('ends after the cut with its job unfinished, and another worker applies the job once', async () => {
    redis = await PrivateRedis.start();
    bed = await FaultBed.start({ name: 'shutdown-cut-off', redis, clock: 'manual', workers: 1 });
    const db = bed.db;
    const {
      applicant,
      ids: [id],
    } = await draftsInWorld(bed, 1);
    watch = await QueueWatch.start(bed.env);

    // The test holds the application's row, so the worker's transaction waits on it.
    const blocker = db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(`SELECT 1 FROM applications WHERE id = $1 FOR UPDATE`, [id]);

    const sender = new CommandSender(bed.client);
    const submitted = sender.post(`/api/applications/${id}/submit`, {
      token: applicant.token,
      idempotencyKey: `submit-${id}`,
    });
    try {
      // The worker's transaction waits on the row.
      await someoneWaitsOnALock(bed.api);

      const [worker] = bed.workers;
      const signalled = Date.now();
      worker.signal('SIGTERM');
      await waitUntil(
        async () => (await readFile(worker.logFile, 'utf8')).includes('connections were cut'),
        WORKER_CLOSE_TIMEOUT_MS + 10_000,
        'the worker to cut its connections',
      );
      const cutAfterMs = Date.now() - signalled;
      const ended = await Promise.race([
        worker.exited.then(() => 'exited' as const),
        sleep(EXIT_AFTER_CUT_MS).then(() => 'hung' as const),
      ]);
      const exitAfterMs = Date.now() - signalled;
      if (ended === 'hung') worker.signal('SIGKILL');

      // The row goes back: the stopped worker's transaction ended with its pool.
      await blocker.commitTransaction();
      bed.startWorker();
      const reply = await submitted;
      const [application]: { status: string }[] = await db.query(
        `SELECT status FROM applications WHERE id = $1`,
        [id],
      );
      const [{ n: entries }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM application_history WHERE application_id = $1`,
        [id],
      );
      const found = await violations(db);

      printFigures('Shutdown cut off (a job outlasting the close)', {
        'SIGTERM to the cut': seconds(cutAfterMs),
        'SIGTERM to the exit': ended === 'hung' ? 'hung (killed)' : seconds(exitAfterMs),
        'stalled events (redeliveries)': watch.stalledEvents,
        'HTTP answers': sender.summary(),
        'final status': application.status,
        ...found,
      });

      expect(ended).toBe('exited');
      expect(cutAfterMs).toBeGreaterThanOrEqual(WORKER_CLOSE_TIMEOUT_MS);
      expect(reply.status).toBe(200);
      expect(application.status).not.toBe('draft');
      expect(Number(entries)).toBe(1);
      expect(watch.stalledEvents).toBeGreaterThan(0);
      expect(watch.failed).toEqual([]);
      expect(found).toEqual(NO_VIOLATIONS);
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
  }, 180_000);
});
