// @ts-check
/**
 * (d) Rebuilding the delayed jobs of 100,000 pending timers after Redis lost
 * them: every key of the bench's prefix is deleted, then the service's own
 * reconciler (TimerScheduler.reconcile, what each worker runs at start-up and
 * every minute) is timed until it returns. For reference, the same jobs added
 * with BullMQ's addBulk, 1,000 to a round trip. The worker and the API are
 * stopped first, so nothing else touches the queue meanwhile.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { measuringCpu } from './cpu.mjs';
import * as dist from './dist.mjs';
import { wipePrefix } from './world.mjs';

/**
 * @param {{ db: import('typeorm').DataSource, target: import('./processes.mjs').Target, timers: number,
 *   redisPid: number }} options
 */
export async function measureTimerRebuild({ db, target, timers, redisPid }) {
  const [{ n: before }] = /** @type {{ n: number }[]} */ (
    await db.query(
      `SELECT count(*)::int AS n FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL`,
    )
  );
  const inserted = Math.max(0, timers - before);
  // Spread over the existing applications, due over the next weeks, both kinds.
  const [{ n: applications }] = /** @type {{ n: number }[]} */ (
    await db.query(`SELECT count(*)::int AS n FROM applications`)
  );
  await db.query(
    `WITH apps AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS k FROM applications)
     INSERT INTO timers (id, application_id, kind, level, due_at)
     SELECT 'bench-' || g, apps.id,
            CASE WHEN g % 2 = 0 THEN 'review_deadline' ELSE 'notice_end' END, 'community',
            now() + interval '20 days' + g * interval '7 seconds'
       FROM generate_series(1, $1::int) AS g JOIN apps ON apps.k = g % $2::int`,
    [inserted, applications],
  );
  await db.query('VACUUM ANALYZE timers');
  const [{ n: pending }] = /** @type {{ n: number }[]} */ (
    await db.query(
      `SELECT count(*)::int AS n FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL`,
    )
  );

  const config = dist.config.loadConfig({
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    REDIS_PREFIX: target.prefix,
    CLOCK: 'system',
  });
  dist.nestCommon.Logger.overrideLogger(false);
  const wiped = await wipePrefix(target.redisUrl, target.prefix);
  const transitions = new dist.transitionQueue.TransitionQueue(config, db);
  try {
    await transitions.queue.waitUntilReady();
    const scheduler = new dist.timerScheduler.TimerScheduler(
      db,
      transitions,
      new dist.clock.SystemClock(),
      config,
    );
    /** @param {() => Promise<unknown>} fn */
    const timed = async (fn) => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const measured = await measuringCpu(db, redisPid, fn);
      const ms = performance.now() - start;
      const own = process.cpuUsage(cpu);
      return { ...measured, ms, nodeMs: (own.user + own.system) / 1000 };
    };
    const reconcile = await timed(() => scheduler.reconcile());
    const visited = /** @type {number} */ (reconcile.result);
    const delayed = await transitions.queue.getDelayedCount();
    if (delayed !== pending)
      throw new Error(`${delayed} delayed jobs for ${pending} pending timers`);

    // Reference: the same jobs (ids, payloads, delays, options) through addBulk.
    await wipePrefix(target.redisUrl, target.prefix);
    const bulk = await timed(() => addAllInBulk(db, transitions.queue, scheduler));
    const bulkDelayed = await transitions.queue.getDelayedCount();
    if (bulkDelayed !== pending) throw new Error(`addBulk left ${bulkDelayed} delayed jobs`);
    /** @param {{ ms: number, nodeMs: number, postgresMs: number, redisMs: number }} t */
    const figures = ({ ms, nodeMs, postgresMs, redisMs }) => ({ ms, nodeMs, postgresMs, redisMs });
    return {
      before,
      inserted,
      pending,
      wiped,
      visited,
      reconcile: figures(reconcile),
      bulk: figures(bulk),
    };
  } finally {
    await transitions.onApplicationShutdown();
  }
}

/**
 * @param {import('typeorm').DataSource} db @param {import('bullmq').Queue} queue
 * @param {{ runAt(timer: { kind: 'review_deadline' | 'notice_end', dueAt: Date }): number }} scheduler
 */
async function addAllInBulk(db, queue, scheduler) {
  const q = dist.queue;
  const { TIMER_JOB } = dist.timerStore;
  let afterId = '';
  for (;;) {
    /** @type {{ id: string, application_id: string, kind: 'review_deadline' | 'notice_end', due_at: Date }[]} */
    const batch = await db.query(
      `SELECT id, application_id, kind, due_at FROM timers
        WHERE fired_at IS NULL AND cancelled_at IS NULL AND id > $1 ORDER BY id LIMIT 1000`,
      [afterId],
    );
    if (batch.length === 0) break;
    const now = Date.now();
    await queue.addBulk(
      batch.map((t) => ({
        name: TIMER_JOB[t.kind],
        data: { applicationId: t.application_id, timerId: t.id },
        opts: {
          jobId: t.id,
          delay: Math.max(0, scheduler.runAt({ kind: t.kind, dueAt: t.due_at }) - now),
          attempts: q.TRANSITION_ATTEMPTS,
          backoff: q.TRANSITION_BACKOFF,
          removeOnComplete: q.KEEP_COMPLETED,
          removeOnFail: q.KEEP_FAILED,
        },
      })),
    );
    afterId = batch[batch.length - 1].id;
  }
}
