// @ts-check
/**
 * The baseline's worker, in a process of its own like the service's: plain
 * BullMQ and plain `pg`, the service's worker settings (stalled checks), its
 * pool size and its job options for the delayed job; `--concurrency` jobs at once.
 *   --mode=noop  the processor returns at once (a1)
 *   --mode=tx    one transaction (an UPDATE and an INSERT), then one delayed job (a2)
 *   --concurrency=N
 * Tells the parent `{ ready: true }` over IPC once its worker is connected, and
 * answers `{ id, type: 'reset' | 'read' }` with its CPU time since the last reset.
 */
import { randomUUID } from 'node:crypto';
import process from 'node:process';
import { URL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import * as dist from './dist.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [key, ...rest] = a.replace(/^--/, '').split('=');
    return [key, rest.join('=')];
  }),
);
const { mode, queueName, prefix, redisUrl, databaseUrl } = args;
const url = new URL(redisUrl);
const connection = {
  host: url.hostname,
  port: Number(url.port || 6379),
  db: Number(url.pathname.slice(1) || 0),
  maxRetriesPerRequest: null,
};
const { LOCK_DURATION_MS, MAX_STALLED_COUNT, STALLED_INTERVAL_MS } = dist.transitionWorker;
const q = dist.queue;
const concurrency = Number(args.concurrency);
if (!(concurrency > 0))
  throw new Error('--concurrency=N is required (baseline.mjs RAW_CONCURRENCY)');
const DELAY_MS = 7 * 24 * 3600 * 1000;

// The service's pool (libs/database POOL_OPTIONS).
const pool = new pg.Pool({ connectionString: databaseUrl, ...dist.database.POOL_OPTIONS });
const timers = new Queue(queueName, { connection, prefix });

/** @param {import('bullmq').Job<{ item: number }>} job */
async function transaction(job) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      'UPDATE bench_raw_items SET version = version + 1, updated_at = now() WHERE id = $1',
      [job.data.item],
    );
    await client.query(
      'INSERT INTO bench_raw_events (item_id, job_id, payload, at) VALUES ($1, $2, $3, now())',
      [job.data.item, job.id, JSON.stringify({ job: job.id, item: job.data.item })],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  await timers.add(
    'timer',
    { item: job.data.item },
    {
      jobId: `timer-${randomUUID()}`,
      delay: DELAY_MS,
      attempts: q.TRANSITION_ATTEMPTS,
      backoff: q.TRANSITION_BACKOFF,
      removeOnComplete: q.KEEP_COMPLETED,
      removeOnFail: q.KEEP_FAILED,
    },
  );
  return { ok: true };
}

const worker = new Worker(queueName, mode === 'tx' ? transaction : () => Promise.resolve(null), {
  connection,
  prefix,
  concurrency,
  lockDuration: LOCK_DURATION_MS,
  maxStalledCount: MAX_STALLED_COUNT,
  stalledInterval: STALLED_INTERVAL_MS,
});

async function shutdown() {
  await worker.close();
  await timers.close();
  await pool.end();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());

let cpuAtReset = process.cpuUsage();
process.on('message', (/** @type {{ id: number, type: string }} */ message) => {
  if (message.type === 'reset') cpuAtReset = process.cpuUsage();
  const cpu = process.cpuUsage(cpuAtReset);
  process.send?.({ id: message.id, result: { cpuMs: (cpu.user + cpu.system) / 1000 } });
});

await worker.waitUntilReady();
if (mode === 'tx') await pool.query('SELECT 1');
process.send?.({ ready: true });
