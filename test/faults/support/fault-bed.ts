import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestApp, reloadManualClock, TestApp } from '../../support/test-app';
import { calendarAroundToday } from '../../support/calendar-around-today';
import { TEST_ENV } from '../../support/test-env';
import { ApiClient } from './api-client';
import { PrivateRedis } from './private-redis';
import { PrivatePostgres } from './private-postgres';
import { createScratchDatabase } from './scratch-database';
import { sleep } from './wait';
import { Exit, WorkerProcess } from './worker-process';

export interface BedOptions {
  /** Names the scratch database and the log directory. */
  name: string;
  redis: PrivateRedis;
  /** A PostgreSQL the test restarts; else the bed starts one of its own. */
  postgres?: PrivatePostgres;
  clock: 'manual' | 'system';
  workers: number;
}

/** How long a SIGTERMed worker may take to finish its jobs before it counts as hung (it has 10 s). */
const GRACEFUL_EXIT_MS = 30_000;

/** Where the manual clock starts: the morning the 2025 campaign of workflowWorld opens. */
const MANUAL_CLOCK_START = '2025-09-01T09:00:00+08:00';

/**
 * The service as deployed, at test scale: the API in the test process (so the
 * test can reach its services and database) listening on a real port, and
 * worker processes from `dist/` that a test may kill. PostgreSQL and Redis are
 * the test's own, never the shared ones: a fault test opens many connections
 * and makes heavy load, which must not starve other people's tests (the shared
 * server's connection limit was reached in a first version that used it).
 * Everything the bed started is removed by `close`.
 */
export class FaultBed {
  readonly workers: WorkerProcess[] = [];
  api!: TestApp;
  client!: ApiClient;
  private spawned = 0;

  private constructor(
    readonly env: Record<string, string>,
    readonly logDir: string,
    private readonly ownPostgres: PrivatePostgres | null,
  ) {}

  static async start(options: BedOptions): Promise<FaultBed> {
    const ownPostgres = options.postgres ? null : await PrivatePostgres.start();
    const postgres = options.postgres ?? ownPostgres!;
    const databaseUrl = await createScratchDatabase(
      postgres.serverUrl,
      `housing_${options.name.replaceAll('-', '_')}`,
    );
    const logDir = await mkdtemp(join(tmpdir(), `hs-fault-${options.name}-`));
    await mkdir(join(logDir, 'uploads'));
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redis.url,
      REDIS_PREFIX: 'hs-fault',
      CLOCK: options.clock,
      JWT_SECRET: TEST_ENV.JWT_SECRET,
      // 'hs-fault' outlives a run: registrations from 127.0.0.1 would add up across runs.
      REGISTRATION_RATE_LIMIT_PER_IP: TEST_ENV.REGISTRATION_RATE_LIMIT_PER_IP,
      UPLOAD_DIR: join(logDir, 'uploads'),
      // Under the system clock, deadlines follow today: the calendar must know the weeks around it.
      ...(options.clock === 'system' ? calendarAroundToday() : {}),
    };
    const bed = new FaultBed(env, logDir, ownPostgres);
    try {
      bed.api = await createTestApp(env, { withWorker: false });
      if (options.clock === 'manual') await bed.setStoredClock(MANUAL_CLOCK_START);
      await bed.api.app.listen(0, '127.0.0.1');
      const server = bed.api.app.getHttpServer() as Server;
      bed.client = new ApiClient((server.address() as { port: number }).port);
      for (let i = 0; i < options.workers; i++) bed.startWorker();
      await Promise.all(bed.workers.map((w) => w.ready));
    } catch (error) {
      // The test never gets the bed, so it cannot close it: undo what was started here.
      await bed.close().catch(() => undefined);
      throw error;
    }
    return bed;
  }

  get db(): DataSource {
    return this.api.db;
  }

  /** A new worker process (info logs, for its start-up line); not awaited. */
  startWorker(): WorkerProcess {
    const worker = WorkerProcess.spawn(
      { ...this.env, LOG_LEVEL: 'info' },
      this.logDir,
      this.spawned++,
    );
    this.workers.push(worker);
    return worker;
  }

  /**
   * Ends `worker` with `signal` and starts its replacement (not awaited).
   * A SIGTERMed worker that has not exited after GRACEFUL_EXIT_MS is killed and reported as `forced`.
   */
  async replaceWorker(
    worker: WorkerProcess,
    signal: 'SIGKILL' | 'SIGTERM',
  ): Promise<{ exit: Exit; forced: boolean; stopMs: number; replacement: WorkerProcess }> {
    const signalled = Date.now();
    worker.signal(signal);
    const hung = sleep(GRACEFUL_EXIT_MS).then(() => 'hung' as const);
    let forced = false;
    if ((await Promise.race([worker.exited, hung])) === 'hung') {
      forced = true;
      worker.signal('SIGKILL');
    }
    const exit = await worker.exited;
    const stopMs = Date.now() - signalled;
    this.workers.splice(this.workers.indexOf(worker), 1);
    return { exit, forced, stopMs, replacement: this.startWorker() };
  }

  liveWorkers(): WorkerProcess[] {
    return this.workers.filter((w) => w.alive);
  }

  async close(): Promise<void> {
    for (const w of this.liveWorkers()) w.signal('SIGTERM');
    await Promise.race([
      Promise.all(this.workers.map((w) => w.exited)),
      sleep(GRACEFUL_EXIT_MS).then(() => this.liveWorkers().forEach((w) => w.signal('SIGKILL'))),
    ]);
    await Promise.all(this.workers.map((w) => w.exited));
    this.client?.close();
    // Undefined when the start failed before the API was up.
    await (this.api as TestApp | undefined)?.close();
    await this.ownPostgres?.destroy();
    if (process.env.FAULT_KEEP_LOGS !== '1')
      await rm(this.logDir, { recursive: true, force: true });
  }

  /** Test set-up only: the API stored the real time at start-up; the scenario starts earlier. */
  private async setStoredClock(instant: string): Promise<void> {
    await this.db.query(`UPDATE manual_clock SET now = $1 WHERE id = 1`, [instant]);
    await reloadManualClock(this.api);
  }
}
