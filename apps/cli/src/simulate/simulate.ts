import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AccessModule } from '@app/access';
import { ApplicationsModule } from '@app/applications';
import { IsoDate } from '@app/calendar';
import { CampaignsModule } from '@app/campaigns';
import { Clock } from '@app/clock';
import { AppConfig, loadConfig } from '@app/config';
import { CoreModule } from '@app/core';
import { CONNECTION_NAMES, runMigrations } from '@app/database';
import { MaterialRequirement } from '@app/domain';
import { RegionsModule } from '@app/regions';
import { WorkingDaysModule, WorkingDaysService } from '@app/working-days';
import { HistoryService, TransitionQueue, WorkflowModule } from '@app/workflow';
import { ensureDatabaseExists } from '../create-database';
import { createDrafts } from './drafts';
import { HouseholdGenerator, GeneratedHousehold } from './household-generator';
import { checkInvariants } from './invariants';
import { formatTierTable, tallyLines } from './invariant-checks';
import { OptionsError, parseOptions, SimulationOptions, USAGE } from './options';
import { Backend, BackendCpu } from './process-cpu';
import { CpuProfile, mergeQueryTimings, profileLines } from './profile-report';
import type { QueryTiming } from './profile-hook';
import { formatCount, formatProgress, ProgressLine, ratePerSecond } from './progress';
import { Random } from './random';
import { databaseExists, deleteRedisKeys, dropDatabase, redisUsedMemory, scratchEnvironment } from './scratch'; // prettier-ignore
import { Season, SeasonResult } from './season';
import { StandInVacuum } from './stand-in-vacuum';
import { HouseholdPlan, planHousehold } from './season-plan';
import { WorkerProcesses } from './worker-processes';
import { createWorld, World } from './world';

/** The issue's target: a 100,000-household season in under 15 minutes with 2 workers. */
const TARGET = { households: 100_000, minutes: 15 };
/** The project's machine: what a CPU-bound season could use at best. */
const CORES = 2;

const say = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `simulate`: a whole survey season against the real PostgreSQL and Redis
 * under the manual clock, with the worker processes doing the transitions.
 * Returns whether every invariant held.
 */
export async function simulate(config: AppConfig, args: readonly string[]): Promise<boolean> {
  if (args.includes('--help')) {
    say(USAGE);
    return true;
  }
  let options: SimulationOptions;
  try {
    options = parseOptions(args, process.pid);
  } catch (e) {
    if (e instanceof OptionsError) {
      say(e.message);
      return false;
    }
    throw e;
  }
  const env = scratchEnvironment(config, options, process.pid);
  const simConfig = loadConfig(env);
  if (await databaseExists(simConfig.databaseUrl))
    throw new Error(`database ${options.database} exists: drop it or pass --database`);
  const runDir = mkdtempSync(join(tmpdir(), `housing-sim-${process.pid}-`));
  say(
    `Season simulation: ${formatCount(options.households)} households, ${options.workers} worker process(es), ` +
      `${options.concurrency} commands in flight, seed ${options.seed}, survey year ${options.year}` +
      (options.synchronousCommit === 'off' ? ', synchronous_commit off (experiment)' : ''),
  );
  say(
    `  scratch database ${options.database}, Redis prefix ${env.REDIS_PREFIX}, logs in ${runDir}`,
  );

  const workers = new WorkerProcesses({
    script: resolve(__dirname, '../../../worker/src/main.js'),
    hook: resolve(__dirname, 'profile-hook.js'),
    env,
    logDir: runDir,
    profileDir: options.profileDir ? resolve(options.profileDir) : null,
  });
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | null = null;
  let vacuum: StandInVacuum | null = null;
  let cleaning: Promise<void> | null = null;
  // One cleanup, awaited by whoever asks (the end of the run, an interrupt).
  const cleanup = () => (cleaning ??= release());
  const release = async () => {
    await workers.stop().catch(() => undefined);
    vacuum?.abort();
    await app?.close().catch(() => undefined);
    if (options.keep) {
      say(`kept database ${options.database} and Redis keys ${env.REDIS_PREFIX}:*`);
      return;
    }
    await dropDatabase(simConfig.databaseUrl).catch((e: Error) => say(`drop failed: ${e.message}`));
    await deleteRedisKeys(simConfig.redisUrl, simConfig.redisPrefix).catch(() => 0);
  };
  const interrupted = () => {
    say('\ninterrupted: stopping the workers and dropping the scratch database');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  try {
    const setupStarted = performance.now();
    await ensureDatabaseExists(simConfig.databaseUrl);
    await runMigrations(simConfig);
    const opening = `${options.year}-09-01T08:00:00+08:00`;
    await prepareDatabase(simConfig.databaseUrl, opening, options);
    @Module({
      imports: [
        CoreModule.forRoot(simConfig, CONNECTION_NAMES.simulator),
        AccessModule,
        RegionsModule,
        CampaignsModule,
        WorkingDaysModule,
        ApplicationsModule,
        WorkflowModule,
      ],
    })
    class SimulationModule {}
    app = await NestFactory.createApplicationContext(SimulationModule, {
      logger: ['error', 'warn'],
    });
    const world = await createWorld(app, options.households, options.year);
    const calendar = await app.get(WorkingDaysService).calendar();
    const rng = new Random(options.seed);
    const { households, plans } = generate(rng, world, calendar, options.households);
    say(
      `  county ${world.county.name}: ${world.towns.length} towns, ${world.communities.length} communities, ` +
        `${world.towns.length + world.communities.length + 1} reviewers; campaign ${world.campaign.opensOn} – ${world.campaign.closesOn}`,
    );
    const pickRng = rng.fork();
    const { drafts, disagreements } = await createDrafts(
      app,
      world,
      households,
      plans,
      (required: readonly MaterialRequirement[]) => pickRng.int(0, required.length - 1),
      (done) => process.stdout.isTTY && process.stdout.write(`\r  drafts ${formatCount(done)}`),
    );
    if (process.stdout.isTTY) process.stdout.write('\r');
    const setupMs = performance.now() - setupStarted;
    say(
      `  ${formatCount(drafts.length)} applicants and drafts with their materials in ${seconds(setupMs)} (setup)`,
    );

    const queue = app.get(TransitionQueue);
    // Each command waiting on its job adds a 'closing' listener to the Queue (BullMQ's
    // waitUntilFinished): more than 10 at once trips Node's leak warning. See docs/performance.md.
    queue.queue.setMaxListeners(0);
    await workers.start(options.workers, queue.queue);
    if (options.vacuum === 'auto')
      vacuum = await StandInVacuum.whenNeeded(simConfig.databaseUrl).catch((e: Error) => {
        say(`  autovacuum's stand-in could not start (${e.message}): the season runs without it`);
        return null;
      });
    if (vacuum)
      say(
        '  the server runs without autovacuum: each night the simulator vacuums and analyses' +
          ' the scratch database in its stead (--vacuum off: never)',
      );
    const db = app.get(DataSource);
    const season = new Season(app, world, calendar, households, plans, drafts, rng.fork(), options.concurrency); // prettier-ignore
    const backends = new BackendCpu();
    const backendsOpen = () =>
      db.query<Backend[]>(
        `SELECT pid, application_name AS name FROM pg_stat_activity WHERE datname = current_database()`,
      );
    backends.begin(await backendsOpen());
    const workerCpuAtStart = workers.cpuSeconds();
    const redis = new Redis(simConfig.redisUrl, { maxRetriesPerRequest: 1 });
    let redisPeak = await redisUsedMemory(redis);
    let cleanedJobs = 0;
    const historyCount = async () =>
      (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM application_history`))[0].n;
    const progress = new ProgressLine(process.stdout);
    const cpuBefore = process.cpuUsage();
    const result = await season.run(
      {
        progress: (s) => progress.update(formatProgress(s)),
        endOfDay: async () => {
          cleanedJobs += await Season.cleanCompleted(queue);
          backends.sample(await backendsOpen());
          redisPeak = Math.max(redisPeak, await redisUsedMemory(redis));
          vacuum?.kick();
        },
      },
      historyCount,
    );
    const transitions = await historyCount();
    progress.finish(
      formatProgress({
        day: result.days,
        days: result.days,
        date: result.lastDay,
        transitions,
        elapsedMs: result.wallMs,
        inFlight: 0,
      }),
    );
    const simCpu = process.cpuUsage(cpuBefore);
    redis.disconnect();
    await vacuum?.settled();
    backends.sample(await backendsOpen()); // the last round's CPU, before its backend ends
    const vacuumed = await vacuum?.stop();
    const workerCpu = workers.cpuSeconds().map((s, i) => s - (workerCpuAtStart[i] ?? 0));
    await workers.stop();

    await reportThroughput(db, options, result, transitions, {
      workerCpu,
      simulatorCpu: (simCpu.user + simCpu.system) / 1e6,
      backendCpu: backends.seconds,
      backendCpuByName: backends.byName(),
      backends: backends.backends,
      redisPeak,
      cleanedJobs,
    });
    if (vacuumed) say(`  in autovacuum's stead: ${vacuumed}`);
    say();
    const checksStarted = performance.now();
    const report = await checkInvariants(
      {
        db,
        clock: app.get(Clock),
        queue,
        history: app.get(HistoryService),
      },
      world,
      season.records,
    );
    say('Households at the end of the season (status, why):');
    for (const line of tallyLines(report.outcomes)) say(line);
    say();
    say(`Tier table of ${world.county.name}, approved households (户数):`);
    for (const line of formatTierTable(report.tierTable)) say(`  ${line}`);
    say();
    const lines = [
      {
        ok: disagreements.length === 0,
        name: 'generator and domain agree',
        detail:
          disagreements.length === 0
            ? 'every draft assessed as generated (eligibility, income, counted area)'
            : `${disagreements.length} disagreements, e.g. ${JSON.stringify(disagreements.slice(0, 3))}`,
      },
      {
        ok: !result.stuck,
        name: 'season settled',
        detail: result.stuck
          ? `still running after ${result.days} days`
          : `${result.days} days, ${result.firstDay} – ${result.lastDay}`,
      },
      ...report.lines,
    ];
    say(`Invariants (checked in ${seconds(performance.now() - checksStarted)}):`);
    for (const l of lines) say(`  ${l.ok ? 'ok  ' : 'FAIL'} ${l.name}: ${l.detail}`);
    if (options.profileDir) reportProfiles(resolve(options.profileDir));
    return lines.every((l) => l.ok);
  } finally {
    process.removeListener('SIGINT', interrupted);
    await cleanup();
  }
}

/** The manual clock at the opening morning, and the commit experiment on this database only. */
async function prepareDatabase(
  databaseUrl: string,
  instant: string,
  options: SimulationOptions,
): Promise<void> {
  const client = new Client({
    connectionString: databaseUrl,
    fallback_application_name: CONNECTION_NAMES.simulator,
  });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO manual_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET now = $1`,
      [instant],
    );
    if (options.synchronousCommit === 'off')
      await client.query(`ALTER DATABASE "${options.database}" SET synchronous_commit = off`);
  } finally {
    await client.end();
  }
}

/** The households and their plans; an adult child applying alone submits after the parents. */
function generate(
  rng: Random,
  world: World,
  calendar: { describeRange(from: IsoDate, to: IsoDate): { date: IsoDate; workday: boolean }[] },
  count: number,
): { households: GeneratedHousehold[]; plans: HouseholdPlan[] } {
  const c = world.campaign;
  const generator = new HouseholdGenerator(
    rng.fork(),
    c,
    world.communities.map((s) => s.region),
  );
  const planRng = rng.fork();
  const context = {
    windowWorkdays: calendar
      .describeRange(c.opensOn, c.closesOn)
      .filter((d) => d.workday)
      .map((d) => d.date),
    reviewDays: { community: c.reviewDaysCommunity, town: c.reviewDaysTown, bureau: c.reviewDaysBureau }, // prettier-ignore
  };
  const households: GeneratedHousehold[] = [];
  const plans: HouseholdPlan[] = [];
  while (households.length < count) {
    const h = generator.next();
    households.push(h);
    const parent = h.sharesMemberWith === null ? null : plans[h.sharesMemberWith].submitOn;
    plans.push(planHousehold(planRng, context, parent));
  }
  return { households, plans };
}

interface Resources {
  workerCpu: number[];
  simulatorCpu: number;
  backendCpu: number;
  /** The backends' CPU seconds by the name of their client (workers, simulator, vacuum). */
  backendCpuByName: Map<string, number>;
  backends: number;
  redisPeak: number;
  cleanedJobs: number;
}

async function reportThroughput(
  db: DataSource,
  options: SimulationOptions,
  result: SeasonResult,
  transitions: number,
  resources: Resources,
): Promise<void> {
  const byType: { type: string; n: number }[] = await db.query(
    `SELECT type, count(*)::int AS n FROM application_history GROUP BY type ORDER BY n DESC`,
  );
  const [{ jobs }]: { jobs: number }[] = await db.query(
    `SELECT count(*)::int AS jobs FROM command_results`,
  );
  const rate = ratePerSecond(transitions, result.wallMs);
  const perHousehold = transitions / options.households;
  const projectedMinutes = (TARGET.households * perHousehold) / rate / 60;
  say();
  say(
    `Season: ${result.days} simulated days (${result.firstDay} – ${result.lastDay}) in ${seconds(result.wallMs)}` +
      ` (clock moves and timers ${seconds(result.timersMs)}, actors ${seconds(result.actingMs)})`,
  );
  say(
    `  transitions ${formatCount(transitions)} (${perHousehold.toFixed(2)} per household): ${rate.toFixed(1)}/s;` +
      ` jobs applied ${formatCount(jobs)} (refusals and replays included): ${ratePerSecond(jobs, result.wallMs).toFixed(1)}/s`,
  );
  say(`  by kind: ${byType.map((t) => `${t.type} ${formatCount(t.n)}`).join(', ')}`);
  say(
    `  at this rate a ${formatCount(TARGET.households)}-household season would take ${projectedMinutes.toFixed(1)} min` +
      ` with ${options.workers} worker(s) (target < ${TARGET.minutes} min: ${projectedMinutes < TARGET.minutes ? 'MET' : 'NOT MET'}; linear extrapolation)`,
  );
  say('  round trip of each command from the simulator (queue → worker → outcome), ms:');
  for (const [act, l] of Object.entries(result.latencies))
    if (l.count > 0)
      say(
        `    ${act.padEnd(9)} ${formatCount(l.count).padStart(8)} × mean ${l.mean.toFixed(1).padStart(7)}  p50 ${l.p50.toFixed(1).padStart(7)}  p95 ${l.p95.toFixed(1).padStart(7)}  max ${l.max.toFixed(0).padStart(6)}`,
      );
  say(
    `  objections filed ${formatCount(result.objectionsFiled)}; clock moves retried ${result.clockRetries}; ` +
      `acts retried after a transient failure ${result.transientRetries}; ` +
      `commands resent after 503 TRANSITION_PENDING ${result.pendingRetries}; ` +
      `completed jobs cleared from Redis ${formatCount(resources.cleanedJobs)}`,
  );
  const workerCpu = resources.workerCpu.reduce((a, b) => a + b, 0);
  const cpuPerTransitionMs = ((workerCpu + resources.backendCpu + resources.simulatorCpu) * 1000) / transitions; // prettier-ignore
  const ceiling = (CORES * 1000) / cpuPerTransitionMs;
  const perTransition = (cpuSeconds: number) => ((cpuSeconds * 1000) / transitions).toFixed(1);
  // PostgreSQL's CPU by the connections' names: the workers', the simulator's (the service in its process), the vacuum's.
  const byName = (format: (seconds: number) => string) =>
    [...resources.backendCpuByName].map(([name, s]) => `${name} ${format(s)}`).join(', ');
  say(
    `  CPU during the season: workers ${resources.workerCpu.map((s) => `${s.toFixed(1)} s`).join(' + ')},` +
      ` simulator ${resources.simulatorCpu.toFixed(1)} s, PostgreSQL backends ≥ ${resources.backendCpu.toFixed(1)} s` +
      ` (${resources.backends} backends: ${byName((s) => `${s.toFixed(1)} s`)}); Redis peak ${(resources.redisPeak / 2 ** 20).toFixed(0)} MiB (whole server)`,
  );
  say(
    `  CPU per transition ≈ ${cpuPerTransitionMs.toFixed(1)} ms (workers ${perTransition(workerCpu)},` +
      ` PostgreSQL ≥ ${perTransition(resources.backendCpu)} [${byName(perTransition)}], simulator ${perTransition(resources.simulatorCpu)}; Redis not counted):` +
      ` ${CORES} dedicated cores would apply at most ~${ceiling.toFixed(0)}/s,` +
      ` a ${formatCount(TARGET.households)}-household season in ≥ ${((TARGET.households * perHousehold) / ceiling / 60).toFixed(1)} min`,
  );
  say('  refusals (each the answer the API would have given):');
  for (const line of tallyLines(result.refusals, '    ')) say(line);
}

function reportProfiles(dir: string): void {
  const files = readdirSync(dir);
  const profiles = files
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
  const queries = files
    .filter((f) => f.endsWith('.queries.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as QueryTiming[]);
  say();
  say(`Profile of the workers (${profiles.length} CPU profiles in ${dir}):`);
  for (const line of profileLines(profiles, mergeQueryTimings(queries))) say(line);
}
