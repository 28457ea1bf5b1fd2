import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { processCpuSeconds } from './process-cpu';
import { PROFILE_DIR_FLAG } from './profile-hook';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** Written by the worker's profiling hook (profile-hook.ts) once its files are complete. */
const DONE_SUFFIX = '.done';

export interface WorkerSpec {
  /** dist/apps/worker/src/main.js */
  script: string;
  env: Record<string, string>;
  logDir: string;
  /** With a directory: preload the profiling hook, which writes a CPU profile and query timings there. */
  profileDir: string | null;
  hook: string;
}

/** The worker processes of a run: spawned with the scratch environment, stopped by their own pids. */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];
  private readonly cpu = new Map<number, number>();

  constructor(private readonly spec: WorkerSpec) {}

  get pids(): number[] {
    return this.children.map((c) => c.pid!).filter(Boolean);
  }

  /** Spawns `count` workers and waits until each has registered on the queue. */
  async start(count: number, queue: Queue): Promise<void> {
    for (let i = 0; i < count; i++) {
      const log = openSync(join(this.spec.logDir, `worker-${i}.log`), 'a');
      const { profileDir, hook, script } = this.spec;
      const args = profileDir ? ['-r', hook, script, `${PROFILE_DIR_FLAG}${profileDir}`] : [script];
      // Only the scratch environment: a worker reads nothing else (libs/config).
      const child = spawn(process.execPath, args, {
        env: this.spec.env,
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      this.children.push(child);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    while ((await queue.getWorkersCount()) < count) {
      const dead = this.children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
      if (dead >= 0) throw new Error(`worker ${dead} exited at start-up:\n${this.logTail(dead)}`);
      if (Date.now() > deadline) throw new Error('the workers did not register within a minute');
      await sleep(200);
    }
  }

  /** CPU seconds each worker has used (last reading kept once it has exited). */
  cpuSeconds(): number[] {
    return this.children.map((c) => {
      const now = c.pid ? processCpuSeconds(c.pid) : null;
      if (now !== null) this.cpu.set(c.pid!, now);
      return this.cpu.get(c.pid!) ?? 0;
    });
  }

  /** Asks each worker for its profile (when profiling), then stops it: SIGTERM, SIGKILL after 20 s. */
  async stop(): Promise<void> {
    this.cpuSeconds();
    if (this.spec.profileDir) await this.flushProfiles(this.spec.profileDir);
    await Promise.all(this.children.map((c) => stopChild(c)));
  }

  private async flushProfiles(dir: string): Promise<void> {
    const live = this.children.filter((c) => c.exitCode === null && c.pid);
    for (const c of live) c.kill('SIGUSR2');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (live.some((c) => !existsSync(join(dir, `worker-${c.pid}${DONE_SUFFIX}`)))) {
      if (Date.now() > deadline) return;
      await sleep(100);
    }
  }

  logTail(index: number): string {
    try {
      return readFileSync(join(this.spec.logDir, `worker-${index}.log`), 'utf8')
        .split('\n')
        .slice(-20)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
