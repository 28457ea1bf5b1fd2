// @ts-check
/**
 * (a) The raw baseline on the same machine, plain BullMQ and plain `pg` in a
 * worker process of its own, RAW_CONCURRENCY jobs at once:
 *   a1 a no-op processor;
 *   a2 one transaction (an UPDATE and an INSERT) and one delayed job per job.
 * Same number of jobs as (b), same job options as the service's.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath, URL } from 'node:url';
import { Queue } from 'bullmq';
import * as dist from './dist.mjs';
import { drain } from './drain.mjs';
import { ask, start, stop, unlessExited } from './processes.mjs';
import { measuringCpu } from './cpu.mjs';

const RAW_WORKER = fileURLToPath(new URL('./raw-worker.mjs', import.meta.url));
/**
 * The baseline's jobs at once: 8, the service's worker concurrency until it
 * applied its jobs in batches (it now holds 32, to gather them; a plain
 * worker has nothing to gather). Kept at 8 so that a2 compares with every
 * earlier run's (docs/performance.md, "Transitions in batches").
 */
export const RAW_CONCURRENCY = 8;

/**
 * @typedef {{ jobs: number, ms: number, postgresMs: number, redisMs: number, workerMs: number }} Drained
 * @typedef {import('./processes.mjs').Target} Target
 */

/**
 * @param {{ db: import('typeorm').DataSource, target: Target, jobs: number, redisPid: number }} options
 * @returns {Promise<{ noop: Drained, tx: Drained }>}
 */
export async function measureBaseline({ db, target, jobs, redisPid }) {
  await db.query(`CREATE TABLE bench_raw_items (id int PRIMARY KEY, version int NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(`CREATE TABLE bench_raw_events (id bigserial PRIMARY KEY, item_id int NOT NULL,
    job_id text NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL)`);
  await db.query(`INSERT INTO bench_raw_items (id) SELECT generate_series(1, $1::int)`, [jobs]);
  await db.query('VACUUM ANALYZE bench_raw_items');
  return {
    noop: await measureMode('noop', { db, target, jobs, redisPid }),
    tx: await measureMode('tx', { db, target, jobs, redisPid }),
  };
}

/**
 * @param {'noop' | 'tx'} mode
 * @param {{ db: import('typeorm').DataSource, target: Target, jobs: number, redisPid: number }} options
 * @returns {Promise<Drained>}
 */
async function measureMode(mode, { db, target, jobs, redisPid }) {
  const config = dist.config.loadConfig({
    REDIS_URL: target.redisUrl,
    REDIS_PREFIX: target.prefix,
  });
  const { connection } = dist.queue.queueConnection(config);
  const prefix = `${target.prefix}:raw-${mode}`;
  const queueName = dist.queue.QUEUES.transitions;
  const worker = start(
    `raw ${mode} worker`,
    [
      RAW_WORKER,
      `--mode=${mode}`,
      `--concurrency=${RAW_CONCURRENCY}`,
      `--queueName=${queueName}`,
      `--prefix=${prefix}`,
      `--redisUrl=${target.redisUrl}`,
      `--databaseUrl=${target.databaseUrl}`,
    ],
    {},
  );
  const queue = new Queue(queueName, { connection, prefix });
  try {
    await unlessExited(worker, once(worker.child, 'message'));
    const q = dist.queue;
    const opts = {
      attempts: q.TRANSITION_ATTEMPTS,
      backoff: q.TRANSITION_BACKOFF,
      removeOnComplete: q.KEEP_COMPLETED,
      removeOnFail: q.KEEP_FAILED,
    };
    const enqueue = async () => {
      for (let i = 0; i < jobs; i += 1000) {
        const batch = [];
        for (let k = i; k < Math.min(jobs, i + 1000); k++)
          batch.push({
            name: 'work',
            data: { item: k + 1 },
            opts: { ...opts, jobId: `work-${randomUUID()}` },
          });
        await queue.addBulk(batch);
      }
      return jobs;
    };
    await ask(worker, { type: 'reset' });
    const measured = await measuringCpu(db, redisPid, () => drain(queue, enqueue));
    const { cpuMs } = /** @type {{ cpuMs: number }} */ (await ask(worker, { type: 'read' }));
    return {
      ...measured.result,
      postgresMs: measured.postgresMs,
      redisMs: measured.redisMs,
      workerMs: cpuMs,
    };
  } finally {
    await queue.close();
    await stop(worker);
  }
}
