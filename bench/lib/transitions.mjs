// @ts-check
/**
 * (b) The service's own transition throughput: N ready drafts submitted, then
 * the same N approved by their community's reviewer, each a job on the real
 * transitions queue (enqueued with the service's TransitionQueue, job names,
 * payloads and ids as WorkflowCommands makes them) applied by the real worker
 * process from dist/. The worker carries the probe (bench/lib/probe.mjs), which
 * counts its SQL statements and Redis commands per phase.
 *
 * Then a profiling pass on a fresh batch, a CPU profile of the worker for each phase.
 */
import { join } from 'node:path';
import * as dist from './dist.mjs';
import { measuringCpu } from './cpu.mjs';
import { drain, eachLimited, lastFailure } from './drain.mjs';
import { ask } from './processes.mjs';
import { addDrafts, applicantActor, reviewerActor, statusesOf } from './world.mjs';

/**
 * @typedef {import('./world.mjs').World} World
 * @typedef {import('./processes.mjs').Running} Running
 * @typedef {{ id: string, reviewer: import('./world.mjs').Reviewer }} Draft
 * @typedef {import('./probe.mjs').Counters} Counters
 * @typedef {{ jobs: number, ms: number, postgresMs: number, redisMs: number, counters: Counters }} Phase
 * @typedef {{ db: import('typeorm').DataSource, world: World, queue: InstanceType<typeof dist.transitionQueue.TransitionQueue>,
 *   worker: Running, redisPid: number }} Context
 */

const { TransitionQueue } = dist.transitionQueue;

/** @param {Context} ctx @param {Draft[]} drafts */
export function submitAll(ctx, drafts) {
  const actor = applicantActor(ctx.world);
  return runPhase(ctx, drafts, 'submit', (d) =>
    ctx.queue.enqueue(
      'submit',
      { applicationId: d.id, actor },
      TransitionQueue.commandJob('submit', actor.userId, d.id).jobId,
    ),
  );
}

/** @param {Context} ctx @param {Draft[]} drafts */
export function approveAll(ctx, drafts) {
  return runPhase(ctx, drafts, 'decide', (d) =>
    ctx.queue.enqueue(
      'decide',
      {
        applicationId: d.id,
        actor: reviewerActor(d.reviewer),
        decision: 'approve',
        opinion: '经调查核实',
        signature: d.reviewer.name,
      },
      TransitionQueue.commandJob('decide', d.reviewer.id, d.id).jobId,
    ),
  );
}

/**
 * @param {Context} ctx @param {Draft[]} drafts @param {string} name
 * @param {(d: Draft) => Promise<void>} add
 * @returns {Promise<Phase>}
 */
async function runPhase(ctx, drafts, name, add) {
  await ask(ctx.worker, { type: 'reset' });
  const measured = await measuringCpu(ctx.db, ctx.redisPid, () =>
    drain(
      ctx.queue.queue,
      async () => {
        await eachLimited(drafts, add);
        return drafts.length;
      },
      { onFailed: () => lastFailure(ctx.queue.queue) },
    ),
  );
  const counters = /** @type {Counters} */ (await ask(ctx.worker, { type: 'read' }));
  await requireAllApplied(ctx, drafts, name);
  return {
    ...measured.result,
    postgresMs: measured.postgresMs,
    redisMs: measured.redisMs,
    counters,
  };
}

/**
 * Every job answered 200 and every application moved: a refused transition
 * (a 409 or 422 outcome) would be fast and worthless.
 * @param {Context} ctx @param {Draft[]} drafts @param {string} name
 */
async function requireAllApplied(ctx, drafts, name) {
  const ids = drafts.map((d) => d.id);
  /** @type {{ status_code: number, body: unknown }[]} */
  const refused = await ctx.db.query(
    `SELECT status_code, body FROM command_results
      WHERE application_id = ANY($1::uuid[]) AND status_code <> 200 LIMIT 1`,
    [ids],
  );
  if (refused.length > 0)
    throw new Error(
      `${name} refused: ${refused[0].status_code} ${JSON.stringify(refused[0].body)}`,
    );
  const expected = name === 'submit' ? 'community_review' : 'community_notice';
  const statuses = await statusesOf(ctx.db, ids);
  if (statuses[expected] !== ids.length)
    throw new Error(`after ${name}: ${JSON.stringify(statuses)}, expected ${expected}`);
}

/**
 * (b): N drafts submitted then approved, each phase timed.
 * @param {Context} ctx @param {number} jobs
 */
export async function measureTransitions(ctx, jobs) {
  const drafts = await addDrafts(ctx.db, ctx.world, jobs, null);
  await ctx.db.query('VACUUM ANALYZE');
  const submit = await submitAll(ctx, drafts);
  const decide = await approveAll(ctx, drafts);
  return { submit, decide, drafts };
}

/**
 * A CPU profile of the worker over each phase, on a fresh batch (the profiler
 * costs a little: the figures of (b) are taken without it).
 * @param {Context} ctx @param {number} jobs @param {string} dir
 */
export async function profileTransitions(ctx, jobs, dir) {
  const drafts = await addDrafts(ctx.db, ctx.world, jobs, null);
  /** @type {Record<string, string>} */
  const profiles = {};
  for (const [name, run] of /** @type {const} */ ([
    ['submit', submitAll],
    ['decide', approveAll],
  ])) {
    await ask(ctx.worker, { type: 'profile-start' });
    await run(ctx, drafts);
    const path = join(dir, `worker-${name}.cpuprofile`);
    await ask(ctx.worker, { type: 'profile-stop', path });
    profiles[name] = path;
  }
  return profiles;
}
