/**
 * Preloaded into a simulated worker (`node -r …/profile-hook.js main.js
 * --sim-profile-dir=DIR`) when the simulator runs with --profile: samples the
 * CPU with the inspector and times every PostgreSQL query by its text, and on
 * SIGUSR2 writes both to DIR. A tool's hook: the service never loads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface QueryTiming {
  text: string;
  count: number;
  totalMs: number;
  maxMs: number;
}

type QueryFn = (...args: unknown[]) => unknown;

/** Collapses whitespace and cuts long statements, so one statement is one key. */
export function queryKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 160);
}

export class QueryTimings {
  private readonly byText = new Map<string, QueryTiming>();

  record(text: string, ms: number): void {
    const key = queryKey(text);
    const t = this.byText.get(key) ?? { text: key, count: 0, totalMs: 0, maxMs: 0 };
    t.count += 1;
    t.totalMs += ms;
    t.maxMs = Math.max(t.maxMs, ms);
    this.byText.set(key, t);
  }

  list(): QueryTiming[] {
    return [...this.byText.values()].sort((a, b) => b.totalMs - a.totalMs);
  }
}

/** Wraps pg's Client#query (callback and promise forms) to time each statement. */
export function timePgQueries(
  client: { prototype: { query: QueryFn } },
  timings: QueryTimings,
): void {
  const original = client.prototype.query;
  client.prototype.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    if (!text) return original.apply(this, args);
    const started = performance.now();
    const done = () => timings.record(text, performance.now() - started);
    const at = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
    if (at >= 0) {
      const callback = args[at] as (...a: unknown[]) => void;
      args[at] = (...a: unknown[]) => {
        done();
        callback(...a);
      };
    }
    const result = original.apply(this, args);
    if (at < 0 && result && typeof (result as Promise<unknown>).then === 'function')
      (result as Promise<unknown>).then(done, done);
    return result;
  };
}

function install(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const timings = new QueryTimings();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  timePgQueries((require('pg') as { Client: { prototype: { query: QueryFn } } }).Client, timings);
  process.once('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      const base = join(dir, `worker-${process.pid}`);
      if (!error) writeFileSync(`${base}.cpuprofile`, JSON.stringify(result.profile));
      writeFileSync(`${base}.queries.json`, JSON.stringify(timings.list()));
      writeFileSync(`${base}.done`, '');
    });
  });
}

export const PROFILE_DIR_FLAG = '--sim-profile-dir=';

/** The directory given after the worker's script; the worker itself ignores the argument. */
export function profileDirOf(argv: readonly string[]): string | null {
  const arg = argv.find((a) => a.startsWith(PROFILE_DIR_FLAG));
  return arg ? arg.slice(PROFILE_DIR_FLAG.length) : null;
}

const profileDir = profileDirOf(process.argv);
if (profileDir) install(profileDir);
