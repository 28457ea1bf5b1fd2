// @ts-check
/**
 * Workflow benchmark: `npm run bench` (builds first, then runs this against the
 * compiled code in dist/, the code the service runs).
 *
 * Makes a scratch database `housing_bench_tx` and a Redis key prefix of its own
 * (`hbtx-<pid>`), and in one run prints:
 *   (a) a raw baseline with plain BullMQ and plain `pg`, the service's worker
 *       concurrency and job options: a1 a no-op worker; a2 one transaction (an
 *       UPDATE and an INSERT) plus one delayed job per job;
 *   (b) the service's transition throughput over the same number of jobs: N
 *       drafts submitted, then approved, through the real queue and the real
 *       worker process; (b)/(a2) against the target ≥ 0.6; with the worker's
 *       SQL statements, Redis commands and CPU per transition, and a CPU profile;
 *   (c) p50/p99 latency of GET /api/applications/:id at 500 req/s (target p99
 *       ≤ 20 ms) and of a decision at 200 req/s (target p99 ≤ 100 ms), from an
 *       open-loop generator in a second process;
 *   (d) the time the reconciler takes to rebuild 100,000 pending timers after
 *       the bench's Redis prefix was wiped (target ≤ 20 s).
 * Not a test: it prints, it never fails on a figure. Everything it made is
 * dropped at the end (the database, its Redis keys); the CPU profiles stay in --out.
 *
 * Flags: --jobs=5000 --profile-jobs=1000 --get-rate=500 --decide-rate=200
 *        --seconds=20 --warmup=15 --timers=100000 --parts=a,b,c,d --keep
 *        --out=/tmp/housing-bench-<pid> --calendar=FILE (OFFICIAL_CALENDAR_FILE of the service)
 *        --server=postgres://postgres@127.0.0.1:5432 --redis=redis://127.0.0.1:6379/0
 */
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import Redis from 'ioredis';
import { parseFlags } from './lib/args.mjs';
import { measureBaseline } from './lib/baseline.mjs';
import { redisPid } from './lib/cpu.mjs';
import * as dist from './lib/dist.mjs';
import { measureLatency } from './lib/latency.mjs';
import { startWorker, stop, unlessExited, waitFor } from './lib/processes.mjs';
import { summariseProfile } from './lib/profile.mjs';
import { report } from './lib/report.mjs';
import { measureTimerRebuild } from './lib/timers.mjs';
import { measureTransitions, profileTransitions } from './lib/transitions.mjs';
import {
  addDrafts,
  createScratchDatabase,
  DATABASE,
  dropScratchDatabase,
  makeWorld,
  wipePrefix,
} from './lib/world.mjs';

/** The flags in the comment above; anything else is refused rather than ignored. */
const FLAGS = new Set([
  'jobs', 'profile-jobs', 'get-rate', 'decide-rate', 'seconds', 'warmup', 'timers',
  'parts', 'keep', 'out', 'calendar', 'server', 'redis',
]); // prettier-ignore

const args = parseFlags(process.argv.slice(2), FLAGS);
const jobs = Number(args.jobs ?? 5000);
const parts = new Set((args.parts ?? 'a,b,c,d').split(','));
const server = args.server ?? 'postgres://postgres@127.0.0.1:5432';
const redisUrl = args.redis ?? 'redis://127.0.0.1:6379/0';
const out = args.out ?? join(tmpdir(), `housing-bench-${process.pid}`);
/** @type {import('./lib/processes.mjs').Target} */
const target = {
  databaseUrl: `${server}/${DATABASE}`,
  redisUrl,
  prefix: `hbtx-${process.pid}`,
  calendarFile: args.calendar,
};

/** @param {string} what */
const note = (what) =>
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${what} (load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})\n`,
  );

async function main() {
  const started = performance.now();
  await mkdir(out, { recursive: true });
  note(`scratch database ${DATABASE}, Redis prefix ${target.prefix}`);
  const db = await createScratchDatabase(server);
  const redis = new Redis(redisUrl);
  /** @type {import('./lib/processes.mjs').Running | undefined} */
  let worker;
  /** @type {InstanceType<typeof dist.transitionQueue.TransitionQueue> | undefined} */
  let transitions;
  /** @type {import('./lib/report.mjs').Results} */
  const results = {
    jobs,
    concurrency: dist.transitionWorker.WORKER_CONCURRENCY,
    maxBatch: dist.transitionWorker.MAX_BATCH,
    batchesInFlight: dist.transitionWorker.BATCHES_IN_FLIGHT,
    loadBefore: loadavg(),
    versions: await versions(db, redis),
  };
  try {
    const world = await makeWorld(db);
    const pid = await redisPid(redis);
    if (parts.has('a')) {
      note('(a) raw baseline');
      results.baseline = await measureBaseline({ db, target, jobs, redisPid: pid });
    }
    if (parts.has('b') || parts.has('c')) {
      const config = dist.config.loadConfig({
        DATABASE_URL: target.databaseUrl,
        REDIS_URL: target.redisUrl,
        REDIS_PREFIX: target.prefix,
      });
      transitions = new dist.transitionQueue.TransitionQueue(config, db);
      const running = startWorker(target, join(out, 'worker.log'));
      worker = running;
      const queue = transitions.queue;
      await unlessExited(
        running,
        waitFor('the worker', async () => (await queue.getWorkers()).length > 0),
      );
      const ctx = { db, world, queue: transitions, worker: running, redisPid: pid };
      if (parts.has('b')) {
        note(`(b) service: ${jobs} submissions, then ${jobs} approvals`);
        results.transitions = await measureTransitions(ctx, jobs);
        const profileJobs = Number(args['profile-jobs'] ?? Math.min(1000, jobs));
        note(`(b) profiling the worker over ${profileJobs} more of each`);
        const profiles = await profileTransitions(ctx, profileJobs, out);
        results.profiles = {
          jobs: profileJobs,
          submit: { path: profiles.submit, summary: await summariseProfile(profiles.submit) },
          decide: { path: profiles.decide, summary: await summariseProfile(profiles.decide) },
        };
      }
      if (parts.has('c')) {
        const plan = {
          getRate: Number(args['get-rate'] ?? 500),
          decideRate: Number(args['decide-rate'] ?? 200),
          seconds: Number(args.seconds ?? 20),
          // A just-started API answers its first seconds of load at 50-250 ms while V8
          // compiles the request path (docs/performance.md, session 12's run): 15 s
          // of warm-up measures the service as it runs, not its start.
          warmupSeconds: Number(args.warmup ?? 15),
          dir: out,
        };
        note(`(c) latency: GET at ${plan.getRate}/s, decisions at ${plan.decideRate}/s`);
        const latency = await measureLatency(ctx, target, plan);
        const { get, decide } = latency.profiles;
        const profiles = {
          get: { path: get, summary: await summariseProfile(get) },
          decide: { path: decide, summary: await summariseProfile(decide) },
        };
        results.latency = { plan, ...latency, profiles };
      }
      await stop(running);
      await transitions.onApplicationShutdown();
      transitions = undefined;
    }
    if (parts.has('d')) {
      const [{ n }] = /** @type {{ n: number }[]} */ (
        await db.query('SELECT count(*)::int AS n FROM applications')
      );
      if (n === 0) await addDrafts(db, world, 1000, null);
      const timers = Number(args.timers ?? 100_000);
      note(`(d) rebuilding ${timers} timers after a wipe of ${target.prefix}:*`);
      results.timers = await measureTimerRebuild({ db, target, timers, redisPid: pid });
    }
    results.totalS = (performance.now() - started) / 1000;
    results.loadAfter = loadavg();
    report(results, out);
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`\nThe bench failed: ${describe(error)}\n`);
  } finally {
    // Each step on its own: one failing must not leave the others' leftovers behind.
    await cleanUp('the worker', async () => worker && (await stop(worker)));
    await cleanUp('the queue', async () => await transitions?.onApplicationShutdown());
    redis.disconnect();
    await cleanUp('the connections', () => db.destroy());
    await cleanUp(`the Redis keys ${target.prefix}:*`, () => wipePrefix(redisUrl, target.prefix));
    if (args.keep) process.stdout.write(`\nKept the database ${DATABASE} (--keep).\n`);
    else await cleanUp(`the database ${DATABASE}`, () => dropScratchDatabase(server));
  }
}

/** @param {unknown} error */
const describe = (error) =>
  error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error);

/** @param {string} what @param {() => Promise<unknown>} step */
async function cleanUp(what, step) {
  try {
    await step();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`Could not clean up ${what}: ${describe(error)}\n`);
  }
}

/** @param {import('typeorm').DataSource} db @param {Redis} redis */
async function versions(db, redis) {
  const [{ version }] = /** @type {{ version: string }[]} */ (
    await db.query(`SELECT split_part(version(), ' on ', 1) AS version`)
  );
  const info = await redis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  return `${version}, Redis ${redisVersion}, ${cpus().length} CPUs, node ${process.version}`;
}

await main();
