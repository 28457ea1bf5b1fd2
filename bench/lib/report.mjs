// @ts-check
/** Prints the figures of one run of bench/run.mjs. */
import process from 'node:process';
import { RAW_CONCURRENCY } from './baseline.mjs';
import { quantile } from './quantile.mjs';

/**
 * @typedef {import('./transitions.mjs').Phase} Phase
 * @typedef {import('./transitions.mjs').Counters} Counters
 * @typedef {import('./profile.mjs').ProfileSummary} ProfileSummary
 * @typedef {import('./load.mjs').Result} LoadFigures
 * @typedef {import('./latency.mjs').Spread} Spread
 * @typedef {import('./latency.mjs').DecideTimings} DecideTimings
 * @typedef {{ jobs: number, ms: number, postgresMs: number, redisMs: number, workerMs: number }} Drained
 * @typedef {{ ms: number, nodeMs: number, postgresMs: number, redisMs: number }} Rebuild
 * @typedef {{
 *   jobs: number, concurrency: number, maxBatch: number, batchesInFlight: number, versions: string, loadBefore: number[], loadAfter?: number[],
 *   totalS?: number,
 *   baseline?: { noop: Drained, tx: Drained },
 *   transitions?: { submit: Phase, decide: Phase },
 *   profiles?: { jobs: number, submit: { path: string, summary: ProfileSummary },
 *     decide: { path: string, summary: ProfileSummary } },
 *   latency?: { plan: { getRate: number, decideRate: number, seconds: number, warmupSeconds: number },
 *     get: { measured: LoadFigures, capacity: LoadFigures | null }, decide: { measured: LoadFigures },
 *     profiles: Record<'get' | 'decide', { path: string, summary: ProfileSummary }>, profiledSeconds: number,
 *     decideJobs: DecideTimings,
 *     approved: number, decideCount: number, getRequests: number, decideRequests: number,
 *     cpu: Record<'get' | 'decide', { postgresMs: number, redisMs: number }>,
 *     counters: { getApi: Counters, decideApi: Counters, decideWorker: Counters } },
 *   timers?: { before: number, inserted: number, pending: number, wiped: number, visited: number,
 *     reconcile: Rebuild, bulk: Rebuild },
 * }} Results
 */

const n = (/** @type {number} */ x) => Math.round(x).toLocaleString('en-US');
const f1 = (/** @type {number} */ x) => x.toFixed(1);
const f2 = (/** @type {number} */ x) => x.toFixed(2);
const ms = (/** @type {number} */ x) => `${n(x)} ms`;
const rate = (/** @type {{ jobs: number, ms: number }} */ d) => (d.jobs / d.ms) * 1000;
const met = (/** @type {boolean} */ ok) => (ok ? 'MET' : 'NOT MET');
const sqlText = (/** @type {string} */ s) => s.replace(/\s+/g, ' ').trim().slice(0, 96);
const sum = (/** @type {number[]} */ xs) => xs.reduce((a, b) => a + b, 0);

/** @param {Results} r @param {string} out */
export function report(r, out) {
  const lines = [
    '',
    `Workflow benchmark: ${n(r.jobs)} jobs a phase, worker concurrency ${r.concurrency} in batches of up to ${r.maxBatch}, ${r.batchesInFlight} at once (${r.versions})`,
    `  load average before ${r.loadBefore.map(f2).join(' ')}, after ${(r.loadAfter ?? []).map(f2).join(' ')}: a shared machine makes every figure noisy`,
    ...baseline(r),
    ...transitions(r),
    ...profiles(r),
    ...latency(r),
    ...timers(r),
    '',
    `Total ${f1((r.totalS ?? 0) / 60)} min. CPU profiles and load plans in ${out}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** @param {Results} r */
function baseline(r) {
  if (!r.baseline) return [];
  const { noop, tx } = r.baseline;
  return [
    '',
    `(a) Raw baseline: plain BullMQ and pg in a worker process, concurrency ${RAW_CONCURRENCY}, ${n(noop.jobs)} jobs`,
    `    a1 no-op processor                                 ${ms(noop.ms).padStart(10)}  ${n(rate(noop)).padStart(6)} jobs/s`,
    `    a2 one transaction (UPDATE + INSERT) + delayed job  ${ms(tx.ms).padStart(10)}  ${n(rate(tx)).padStart(6)} jobs/s`,
    `       CPU per job: worker ${f2(tx.workerMs / tx.jobs)} ms, PostgreSQL backends ${f2(tx.postgresMs / tx.jobs)} ms, Redis ${f2(tx.redisMs / tx.jobs)} ms (shared server)`,
    `       round trips per job: 4 SQL statements (BEGIN, UPDATE, INSERT, COMMIT), 2 BullMQ scripts (addDelayedJob, moveToFinished)`,
  ];
}

/** @param {Results} r */
function transitions(r) {
  if (!r.transitions) return [];
  const { submit, decide } = r.transitions;
  const both = { jobs: submit.jobs + decide.jobs, ms: submit.ms + decide.ms };
  const lines = [
    '',
    `(b) Service: transitions through the real queue and worker process (dist/), ${n(submit.jobs)} applications`,
    `    submit   (draft → community_review)            ${ms(submit.ms).padStart(10)}  ${n(rate(submit)).padStart(6)} transitions/s`,
    `    approve  (community_review → community_notice) ${ms(decide.ms).padStart(10)}  ${n(rate(decide)).padStart(6)} transitions/s`,
    `    both     ${n(both.jobs)} transitions                   ${ms(both.ms).padStart(10)}  ${n(rate(both)).padStart(6)} transitions/s`,
  ];
  if (r.baseline) {
    const { tx } = r.baseline;
    const a2 = rate(tx);
    const ratio = rate(both) / a2;
    const cpuA2 = (tx.workerMs + tx.postgresMs + tx.redisMs) / tx.jobs;
    const cpuB =
      sum(
        [submit, decide].map(
          (p) => p.counters.cpuUserMs + p.counters.cpuSystemMs + p.postgresMs + p.redisMs,
        ),
      ) / both.jobs;
    lines.push(
      `    (b)/(a2) = ${f2(ratio)}   target ≥ 0.60   ${met(ratio >= 0.6)}   (submit alone ${f2(rate(submit) / a2)}, approve alone ${f2(rate(decide) / a2)})`,
      `    CPU per job, worker + PostgreSQL + Redis: a2 ${f2(cpuA2)} ms, a transition ${f2(cpuB)} ms;` +
        ` on a CPU-bound machine that caps (b)/(a2) near ${f2(cpuA2 / cpuB)}`,
    );
  }
  for (const [name, p] of /** @type {const} */ ([
    ['submit', submit],
    ['approve', decide],
  ])) {
    const pages = sum(
      Object.entries(p.counters.sql)
        .filter(([k]) => k.includes('FROM timers') && k.includes('id > $1'))
        .map(([, t]) => t.n),
    );
    if (pages > 0)
      lines.push(
        `    note: the worker's periodic timer reconcile ran during ${name} (${pages} page(s) of timers re-added)`,
      );
  }
  lines.push(
    '',
    '    Per transition (worker probe; CPU from /proc)        submit   approve',
    ...perTransition(submit, decide),
    '',
    '    Statements of one submit (× per transition, mean and max latency; T = inside the transaction):',
    ...statements(submit),
    '',
    '    Statements of one approval:',
    ...statements(decide),
    '',
    '    Redis commands per approval: ' + commands(decide.counters.redis, decide.jobs),
    '    BullMQ scripts per approval: ' + commands(decide.counters.scripts, decide.jobs),
  );
  return lines;
}

/** @param {Phase} a @param {Phase} b */
function perTransition(a, b) {
  /** @param {string} label @param {(p: Phase) => number} of @param {(x: number) => string} [fmt] */
  const row = (label, of, fmt = f1) =>
    `      ${label.padEnd(50)} ${fmt(of(a)).padStart(7)}  ${fmt(of(b)).padStart(7)}`;
  /** @param {Phase} p @param {'T' | 'O' | null} where */
  const statementsOf = (p, where) =>
    sum(
      Object.entries(p.counters.sql)
        .filter(([k]) => where === null || k.startsWith(`${where}|`))
        .map(([, t]) => t.n),
    ) / p.jobs;
  /** @param {Phase} p @param {'T' | 'O'} where */
  const waitOf = (p, where) =>
    sum(
      Object.entries(p.counters.sql)
        .filter(([k]) => k.startsWith(`${where}|`))
        .map(([, t]) => t.ms),
    ) / p.jobs;
  return [
    row('SQL statements (pipelined within a batch)', (p) => statementsOf(p, null)),
    row('  inside the transaction (row lock held)', (p) => statementsOf(p, 'T')),
    row('  outside it (before, and the view after commit)', (p) => statementsOf(p, 'O')),
    row('ms waiting on PostgreSQL inside the transaction', (p) => waitOf(p, 'T'), f2),
    row('ms waiting on PostgreSQL outside it', (p) => waitOf(p, 'O'), f2),
    row('Redis commands', (p) => sum(Object.values(p.counters.redis)) / p.jobs),
    row('worker CPU ms', (p) => (p.counters.cpuUserMs + p.counters.cpuSystemMs) / p.jobs, f2),
    row(
      '  of which the kernel (socket writes and reads)',
      (p) => p.counters.cpuSystemMs / p.jobs,
      f2,
    ),
    row('PostgreSQL CPU ms (scratch database backends)', (p) => p.postgresMs / p.jobs, f2),
    row('Redis CPU ms (shared server: an upper bound)', (p) => p.redisMs / p.jobs, f2),
    row('worker event-loop utilisation %', (p) => p.counters.eventLoopUtilization * 100, f1),
  ];
}

/**
 * @param {string} label @param {Counters} c @param {number} requests
 * @param {{ postgresMs: number }} [cpu] the database's share (for the API rows)
 */
function requestRow(label, c, requests, cpu) {
  const statementsPer = sum(Object.values(c.sql).map((t) => t.n)) / requests;
  const redisPer = sum(Object.values(c.redis)) / requests;
  const own = (c.cpuUserMs + c.cpuSystemMs) / requests;
  const db = cpu ? f2(cpu.postgresMs / requests) : '';
  return `      ${label.padEnd(64)} ${f1(statementsPer).padStart(5)} ${f1(redisPer).padStart(6)} ${f2(own).padStart(14)} ${db.padStart(12)}`;
}

/** @param {string} label @param {Counters} c */
function stallRow(label, c) {
  const { eventLoopDelay: d, gc, majorGc: major } = c;
  return (
    `      ${label.padEnd(24)} loop ${f1(d.p99)} / ${f1(d.max)} ms;` +
    ` GC ${n(gc.count)} pauses, ${ms(gc.totalMs)}, longest ${f1(gc.maxMs)} ms;` +
    ` major ${n(major.count)}, longest ${f1(major.maxMs)} ms;` +
    ` ${n(c.pgConnects)} connections opened`
  );
}

/** @param {LoadFigures | null} c */
function capacity(c) {
  if (!c) return [];
  return [
    `    for reference, GET in a closed loop (16 clients, ${c.seconds} s): ${f1(c.achievedRate)}/s answered,` +
      ` p50 ${f1(c.p50)} ms, p99 ${f1(c.p99)} ms, statuses ${JSON.stringify(c.statuses)}`,
  ];
}

/** @param {{ jobs: number, counters: Counters }} p */
function statements(p) {
  return Object.entries(p.counters.sql)
    .sort((x, y) => y[1].n - x[1].n || y[1].ms - x[1].ms)
    .slice(0, 24)
    .map(
      ([key, t]) =>
        `      ${f2(t.n / p.jobs).padStart(5)} × ${f2(t.ms / t.n).padStart(5)} ms (max ${n(t.maxMs).padStart(3)})  ${key.slice(0, 1)}  ${sqlText(key.slice(2))}`,
    );
}

/** @param {Record<string, number>} counts @param {number} jobs */
function commands(counts, jobs) {
  return Object.entries(counts)
    .sort((x, y) => y[1] - x[1])
    .filter(([, c]) => c / jobs >= 0.05)
    .map(([name, c]) => `${name} ${f2(c / jobs)}`)
    .join(', ');
}

/** @param {Results} r */
function profiles(r) {
  if (!r.profiles) return [];
  const { jobs, submit, decide } = r.profiles;
  return [
    '',
    `    CPU profile of the worker (inspector, 0.5 ms sampling), ${n(jobs)} more of each phase:`,
    ...profileLines('submit', submit),
    ...profileLines('decide', decide),
  ];
}

/** @param {string} name @param {{ path: string, summary: ProfileSummary }} profile */
function profileLines(name, { path, summary: s }) {
  const busy = s.totalMs - s.idleMs;
  const sampled = s.totalMs + s.socketWriteMs;
  /** @param {{ name: string, ms: number }} x */
  const pct = (x) => `${f1((x.ms / busy) * 100).padStart(5)} %`;
  return [
    `    ${name}: ${path}`,
    `      ${n(sampled)} ms sampled, ${n(busy)} ms busy (${f1((busy / sampled) * 100)} %), GC ${f1((s.gcMs / busy) * 100)} % of busy`,
    `      ${n(s.socketWriteMs)} ms in socket writes, not counted as busy (the kernel's work, and waits for a core inside it)`,
    '      self time by package (% of busy):',
    ...s.byPackage.slice(0, 10).map((x) => `        ${pct(x)}  ${x.name}`),
    '      functions with most self time:',
    ...s.topSelf.slice(0, 10).map((x) => `        ${pct(x)}  ${x.name}`),
    '      service code, inclusive:',
    ...s.serviceInclusive.slice(0, 10).map((x) => `        ${pct(x)}  ${x.name}`),
  ];
}

/** @param {Results} r */
function latency(r) {
  if (!r.latency) return [];
  const { plan, get, decide } = r.latency;
  /** @param {string} label @param {LoadFigures} x @param {number} target */
  const row = (label, x, target) => [
    `    ${label}: ${n(x.requests)} requests at ${x.offeredRate}/s offered, ${f1(x.achievedRate)}/s answered`,
    `      p50 ${f1(x.p50)} ms, p90 ${f1(x.p90)} ms, p99 ${f1(x.p99)} ms, p99.9 ${f1(x.p999)} ms, max ${f1(x.max)} ms` +
      `   target p99 ≤ ${target} ms   ${met(x.p99 <= target && x.errors === 0 && onlyOk(x))}`,
    `      statuses ${JSON.stringify(x.statuses)}, errors ${x.errors}, generator send lag p99 ${f1(x.sendLagP99)} ms,` +
      ` generator CPU ${f2(x.generatorCpuMs / x.requests)} ms per request` +
      (x.sample ? `\n      first failure: ${x.sample}` : ''),
    ...perSecond(x.perSecondP99, target),
  ];
  return [
    '',
    `(c) Latency under a steady open-loop load from a second process: ${plan.seconds} s measured after ${plan.warmupSeconds} s of warm-up`,
    ...row('GET /api/applications/:id', get.measured, 20),
    ...row(
      'POST /api/applications/:id/decisions (approve, distinct applications)',
      decide.measured,
      100,
    ),
    `      applications approved: ${n(r.latency.approved)} of ${n(r.latency.decideCount)} sent (warm-up included)`,
    ...jobTimings(r.latency.decideJobs),
    ...capacity(get.capacity),
    '',
    '    Per request (probe and /proc; warm-up and capacity loop included):  SQL  Redis  CPU ms: process   PostgreSQL',
    requestRow(
      'GET, in the API process',
      r.latency.counters.getApi,
      r.latency.getRequests,
      r.latency.cpu.get,
    ),
    requestRow(
      'decision, in the API process',
      r.latency.counters.decideApi,
      r.latency.decideRequests,
      r.latency.cpu.decide,
    ),
    requestRow(
      'decision, in the worker process',
      r.latency.counters.decideWorker,
      r.latency.decideRequests,
    ),
    '',
    "    The processes' own stalls (warm-up and capacity loop included): event-loop delay beyond its 5 ms tick p99 / max, GC pauses, PostgreSQL connections opened",
    stallRow('API during GET', r.latency.counters.getApi),
    stallRow('API during decisions', r.latency.counters.decideApi),
    stallRow('worker during decisions', r.latency.counters.decideWorker),
    '',
    '    Statements of one GET /api/applications/:id:',
    ...statements({ jobs: r.latency.getRequests, counters: r.latency.counters.getApi }),
    '    Statements of one decision in the API process:',
    ...statements({ jobs: r.latency.decideRequests, counters: r.latency.counters.decideApi }),
    '',
    `    CPU profile of the API (inspector, 0.5 ms sampling) over ${r.latency.profiledSeconds} s more of each load:`,
    ...profileLines('GET', r.latency.profiles.get),
    ...profileLines('decision', r.latency.profiles.decide),
  ];
}

/** @param {DecideTimings} t */
function jobTimings(t) {
  const spread = (/** @type {Spread} */ x) =>
    `p50 ${n(x.p50)} ms, p99 ${n(x.p99)} ms, max ${n(x.max)} ms`;
  return [
    `      on the queue (BullMQ's stamps of the measured window's ${n(t.jobs)} jobs, 1 ms resolution): waiting ${spread(t.waiting)};`,
    `        processing ${spread(t.processing)}`,
    `      on the API's side (its request log, ${n(t.api.requests)} of them): before the job was added ${spread(t.api.beforeQueue)};`,
    `        after it finished (its completion heard, the outcome read, the answer sent) ${spread(t.api.afterFinish)}`,
  ];
}

/**
 * Whether the tail is a few bad seconds or all of them (see load.mjs).
 * @param {number[]} p99s the p99 of each second @param {number} target
 */
function perSecond(p99s, target) {
  const known = p99s.filter((x) => !Number.isNaN(x));
  if (known.length === 0) return [];
  const sorted = Float64Array.from(known).sort();
  const worst = Array.from(sorted.slice(-3)).reverse();
  const above = known.filter((x) => x > target).length;
  return [
    `      p99 of each second: median ${f1(quantile(sorted, 0.5))} ms, worst ${worst.map(f1).join(' / ')} ms;` +
      ` ${above} of ${known.length} seconds above ${target} ms`,
  ];
}

/** @param {LoadFigures} x */
const onlyOk = (x) => Object.keys(x.statuses).every((s) => Number(s) >= 200 && Number(s) < 300);

/** @param {Results} r */
function timers(r) {
  if (!r.timers) return [];
  const t = r.timers;
  return [
    '',
    `(d) Timer rebuild after a Redis wipe of the bench's prefix (${n(t.wiped)} keys deleted)`,
    `    pending timers ${n(t.pending)} (${n(t.before)} left by (b) and (c), ${n(t.inserted)} inserted)`,
    `    TimerScheduler.reconcile() ${ms(t.reconcile.ms)} (${n((t.visited / t.reconcile.ms) * 1000)} timers/s)   target ≤ 20 s   ${met(t.reconcile.ms <= 20_000)}`,
    `    for reference, the same jobs by addBulk, 1,000 a round trip: ${ms(t.bulk.ms)} (${n((t.pending / t.bulk.ms) * 1000)} timers/s)`,
    `    CPU, reconcile / addBulk: node ${ms(t.reconcile.nodeMs)} / ${ms(t.bulk.nodeMs)}, Redis ${ms(t.reconcile.redisMs)} / ${ms(t.bulk.redisMs)} (shared server),` +
      ` PostgreSQL ${ms(t.reconcile.postgresMs)} / ${ms(t.bulk.postgresMs)}`,
  ];
}
