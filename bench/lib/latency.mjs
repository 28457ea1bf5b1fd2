// @ts-check
/**
 * (c) Latency of GET /api/applications/:id and of a decision
 * (POST /api/applications/:id/decisions) under a steady load at a fixed rate
 * from a second process (bench/lib/load.mjs). The API runs alone, as in
 * production, with the worker of (b) behind it; each decision approves a
 * distinct application waiting at community review, through the queue.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { measuringCpu } from './cpu.mjs';
import { quantile } from './quantile.mjs';
import { ask, freePort, startApi, stop, unlessExited, waitFor } from './processes.mjs';
import { submitAll } from './transitions.mjs';
import { addDrafts, REVIEWER_PASSWORD, statusesOf } from './world.mjs';

const LOAD = fileURLToPath(new URL('./load.mjs', import.meta.url));
/** How long each load runs again under the profiler. */
const PROFILED_SECONDS = 5;

/**
 * @typedef {{ warmup: import('./load.mjs').Result, measured: import('./load.mjs').Result,
 *   capacity: import('./load.mjs').Result | null }} LoadResult
 * @typedef {import('./transitions.mjs').Context} Context
 * @typedef {import('./transitions.mjs').Counters} Counters
 */

/**
 * @param {Context} ctx @param {import('./processes.mjs').Target} target
 * @param {{ getRate: number, decideRate: number, seconds: number, warmupSeconds: number, dir: string }} plan
 */
export async function measureLatency(ctx, target, plan) {
  const { db, world } = ctx;
  const reviewer = world.reviewers[0];
  const decideCount = Math.round(plan.decideRate * (plan.seconds + plan.warmupSeconds));
  const profiledCount = Math.round(plan.decideRate * PROFILED_SECONDS);
  const all = await addDrafts(db, world, decideCount + profiledCount, 0);
  await submitAll(ctx, all);
  const waiting = all.slice(0, decideCount);
  const decisionPath = (/** @type {{ id: string }} */ w) => `/api/applications/${w.id}/decisions`;
  const decisionBody = { decision: 'approve', opinion: '经调查核实', signature: reviewer.name };
  await db.query('VACUUM ANALYZE');
  // What the reviewer may read: its community's applications, drafts aside (staff never see one).
  /** @type {{ id: string }[]} */
  const readable = await db.query(
    `SELECT id FROM applications WHERE community_id = $1 AND status <> 'draft' ORDER BY id`,
    [world.communities[0].id],
  );
  // The fixed-rate requests, then enough for the closed loop that measures capacity.
  const getCount = Math.round(plan.getRate * (plan.seconds + plan.warmupSeconds)) + 50_000;
  const getPaths = Array.from(
    { length: getCount },
    (_, k) => `/api/applications/${readable[(k * 7919) % readable.length].id}`,
  );

  const port = await freePort();
  const api = startApi(target, port, join(plan.dir, 'api.log'));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await unlessExited(
      api,
      waitFor(
        'the API',
        async () => (await globalThis.fetch(`${origin}/api/health`)).status === 200,
      ),
    );
    const login = await globalThis.fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: reviewer.username, password: REVIEWER_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const { accessToken } = /** @type {{ accessToken: string }} */ (await login.json());

    await ask(api, { type: 'reset' });
    const get = await measuringCpu(db, ctx.redisPid, () =>
      load(plan.dir, 'get', {
        origin,
        token: accessToken,
        method: 'GET',
        paths: getPaths,
        rate: plan.getRate,
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
        capacity: { seconds: 5, concurrency: 16 },
      }),
    );
    const getApi = /** @type {Counters} */ (await ask(api, { type: 'read' }));
    await ask(api, { type: 'reset' });
    await ask(ctx.worker, { type: 'reset' });
    const decide = await measuringCpu(db, ctx.redisPid, () =>
      load(plan.dir, 'decide', {
        origin,
        token: accessToken,
        method: 'POST',
        paths: waiting.map(decisionPath),
        body: decisionBody,
        rate: plan.decideRate,
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
      }),
    );
    const decideApi = /** @type {Counters} */ (await ask(api, { type: 'read' }));
    const decideWorker = /** @type {Counters} */ (await ask(ctx.worker, { type: 'read' }));
    // The measured window's jobs: the warm-up's come first in the generator's plan.
    const warmupDecisions = Math.round(plan.decideRate * plan.warmupSeconds);
    const measuredIds = new Set(waiting.slice(warmupDecisions).map((w) => w.id));
    const decideStamps = await completedJobs(ctx, 'decide', measuredIds);
    // CPU profiles of the API over a few seconds more of each load (the profiler
    // costs a little: the figures above are taken without it).
    /** @param {string} name @param {Omit<import('./load.mjs').Plan, 'origin' | 'token' | 'seconds' | 'warmupSeconds'>} more */
    const profiled = async (name, more) => {
      await ask(api, { type: 'profile-start' });
      await load(plan.dir, `${name}-profiled`, {
        origin,
        token: accessToken,
        seconds: PROFILED_SECONDS,
        warmupSeconds: 0,
        ...more,
      });
      const path = join(plan.dir, `api-${name}.cpuprofile`);
      await ask(api, { type: 'profile-stop', path });
      return path;
    };
    const profiles = {
      get: await profiled('get', { method: 'GET', paths: getPaths, rate: plan.getRate }),
      decide: await profiled('decide', {
        method: 'POST',
        paths: all.slice(decideCount).map(decisionPath),
        body: decisionBody,
        rate: plan.decideRate,
      }),
    };
    const statuses = await statusesOf(
      db,
      waiting.map((w) => w.id),
    );
    /** @param {LoadResult} r */
    const sent = (r) => r.warmup.requests + r.measured.requests + (r.capacity?.requests ?? 0);
    return {
      get: get.result,
      profiles,
      profiledSeconds: PROFILED_SECONDS,
      decide: decide.result,
      // Read last: the API's log reaches its file within a second (periodic flush).
      decideJobs: {
        ...queueTimings(decideStamps),
        api: await apiTimings(join(plan.dir, 'api.log'), decideStamps),
      },
      approved: statuses.community_notice ?? 0,
      decideCount,
      getRequests: sent(get.result),
      decideRequests: sent(decide.result),
      cpu: {
        get: { postgresMs: get.postgresMs, redisMs: get.redisMs },
        decide: { postgresMs: decide.postgresMs, redisMs: decide.redisMs },
      },
      counters: { getApi, decideApi, decideWorker },
    };
  } finally {
    await stop(api);
  }
}

/**
 * @typedef {{ applicationId: string, timestamp: number, processedOn: number, finishedOn: number }} Stamps
 * @typedef {{ p50: number, p99: number, max: number }} Spread
 * @typedef {ReturnType<typeof queueTimings> & { api: Awaited<ReturnType<typeof apiTimings>> }} DecideTimings
 */

/**
 * BullMQ's own stamps (ms since the epoch, 1 ms resolution) of the completed
 * jobs of this name on these applications: added, taken by a worker, finished.
 * @param {Context} ctx @param {string} name @param {Set<string>} applicationIds
 * @returns {Promise<Stamps[]>}
 */
async function completedJobs(ctx, name, applicationIds) {
  /** @param {{ data: unknown }} job */
  const applicationOf = (job) =>
    String(/** @type {{ applicationId?: unknown }} */ (job.data).applicationId);
  // The newest completed jobs, enough to hold these (a full run keeps (b)'s too).
  const newest = await ctx.queue.queue.getCompleted(0, applicationIds.size + 1000);
  return newest
    .filter((job) => job.name === name && applicationIds.has(applicationOf(job)))
    .map((job) => ({
      applicationId: applicationOf(job),
      timestamp: job.timestamp,
      processedOn: job.processedOn ?? NaN,
      finishedOn: job.finishedOn ?? NaN,
    }));
}

/** @param {number[]} xs @returns {Spread} */
function spread(xs) {
  const sorted = Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort();
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) };
}

/**
 * Where a decision's time went on the queue's side: waiting in the queue
 * (added → taken by the worker) and being processed (taken → finished).
 * @param {Stamps[]} jobs
 */
function queueTimings(jobs) {
  return {
    jobs: jobs.length,
    waiting: spread(jobs.map((j) => j.processedOn - j.timestamp)),
    processing: spread(jobs.map((j) => j.finishedOn - j.processedOn)),
  };
}

/**
 * And on the API's side, from its request log (one line per answer, written
 * when the answer was sent, with the request's `responseTime`; the path keeps
 * the application's id): from the request's arrival to its job being added
 * (the guard, validation, the recorded-outcome check, the job's script), and
 * from the job's end to the answer (the completion reaching the waiting
 * request through Redis' event stream, the outcome's read, the answer). Both
 * clocks are the machine's, in whole milliseconds.
 * @param {string} logPath @param {Stamps[]} jobs
 */
async function apiTimings(logPath, jobs) {
  const byApplication = new Map(jobs.map((j) => [j.applicationId, j]));
  /** @type {number[]} */
  const beforeQueue = [];
  /** @type {number[]} */
  const afterFinish = [];
  for (const line of (await readFile(logPath, 'utf8')).split('\n')) {
    if (!line.includes('/decisions"')) continue;
    /** @type {unknown} */
    const parsed = JSON.parse(line);
    const entry = /** @type {{ time?: number, responseTime?: number, req?: { path?: string } }} */ (
      parsed
    );
    const id = /^\/api\/applications\/([0-9a-f-]{36})\/decisions$/.exec(entry.req?.path ?? '')?.[1];
    const job = id === undefined ? undefined : byApplication.get(id);
    if (!job || entry.time === undefined || entry.responseTime === undefined) continue;
    beforeQueue.push(job.timestamp - (entry.time - entry.responseTime));
    afterFinish.push(entry.time - job.finishedOn);
  }
  return {
    requests: beforeQueue.length,
    beforeQueue: spread(beforeQueue),
    afterFinish: spread(afterFinish),
  };
}

/**
 * Runs the generator in a second process with this plan; its result.
 * @param {string} dir @param {string} name @param {import('./load.mjs').Plan} plan
 * @returns {Promise<LoadResult>}
 */
async function load(dir, name, plan) {
  const file = join(dir, `load-${name}.json`);
  await writeFile(file, JSON.stringify(plan));
  const child = spawn(process.execPath, [LOAD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  /** @type {unknown[]} */
  const exit = await once(child, 'exit');
  const code = exit[0];
  if (code !== 0) throw new Error(`the load generator exited ${String(code)}`);
  /** @type {unknown} */
  const parsed = JSON.parse(out);
  return /** @type {LoadResult} */ (parsed);
}
