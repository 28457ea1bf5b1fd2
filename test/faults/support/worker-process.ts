import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exitOf, killOnExit } from './processes';

/** The built worker (`npm run build`): fault tests kill real processes, not objects in jest. */
export const WORKER_MAIN = join(
  __dirname,
  '..',
  '..',
  '..',
  'dist',
  'apps',
  'worker',
  'src',
  'main.js',
);

/** The worker's last start-up log line (apps/worker/src/main.ts). */
const READY_LINE = '"msg":"worker started"';

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** One `node dist/apps/worker/src/main.js` process, its output appended to a log file. */
export class WorkerProcess {
  readonly ready: Promise<void>;
  readonly exited: Promise<Exit>;
  readonly startedAt = Date.now();
  isReady = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = exitOf(child);
    const log = createWriteStream(logFile, { flags: 'a' });
    // A log is a diagnostic: losing its tail must never fail a test.
    log.on('error', () => undefined);
    const lines = createInterface({ input: child.stdout! });
    child.stderr!.pipe(log, { end: false });
    lines.on('close', () => log.end());
    this.ready = new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        if (!this.isReady && line.includes(READY_LINE)) {
          this.isReady = true;
          resolve();
        }
      });
      void this.exited.then((exit) => {
        if (!this.isReady)
          reject(
            new Error(
              `worker ${child.pid} exited before it was ready (${describeExit(exit)}); see ${logFile}`,
            ),
          );
      });
    });
    // A worker killed while starting is expected in these tests: its readiness is not awaited then.
    this.ready.catch(() => undefined);
  }

  static spawn(env: Record<string, string>, logDir: string, serial: number): WorkerProcess {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build`);
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    return new WorkerProcess(child, join(logDir, `worker-${serial}-${child.pid}.log`));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: 'SIGKILL' | 'SIGTERM'): void {
    this.child.kill(signal);
  }
}

export const describeExit = (exit: Exit): string =>
  exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
