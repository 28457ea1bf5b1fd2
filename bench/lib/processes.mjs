// @ts-check
/**
 * Child processes of the bench: the service's worker and API from dist/ (as
 * `npm run start:worker` / `start:api` run them), the raw BullMQ worker of the
 * baseline and the load generator. Each is given its whole environment, so
 * nothing of the shell's leaks in.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';
import { ENTRY } from './dist.mjs';

const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

/**
 * @typedef {import('node:child_process').ChildProcess} ChildProcess
 * @typedef {{ name: string, child: ChildProcess, stderr: () => string }} Running
 * @typedef {{ databaseUrl: string, redisUrl: string, prefix: string, calendarFile?: string }} Target
 */

/**
 * The service's environment (libs/config): production mode, the system clock,
 * the bench's scratch database and Redis prefix.
 * @param {Target} target @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
export function serviceEnv(target, extra = {}) {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    REDIS_PREFIX: target.prefix,
    CLOCK: 'system',
    JWT_SECRET: 'bench-jwt-secret-not-for-production-0123456789',
    LOG_LEVEL: 'info',
    UPLOAD_DIR: '/tmp/housing-bench-uploads',
    // Late in a year deadlines reach into the next: its arrangement, if the package lacks it.
    ...(target.calendarFile ? { OFFICIAL_CALENDAR_FILE: target.calendarFile } : {}),
    ...extra,
  };
}

/**
 * @param {string} name @param {string[]} args @param {Record<string, string>} env
 * @param {string} [log] where its standard output goes (its logs), else nowhere
 * @returns {Running}
 */
export function start(name, args, env, log) {
  const out = log ? openSync(log, 'w') : 'ignore';
  const child = spawn(process.execPath, args, {
    env: { ...env, PATH: '/usr/local/bin:/usr/bin:/bin' },
    stdio: ['ignore', out, 'pipe', 'ipc'],
  });
  if (typeof out === 'number') closeSync(out);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-8000);
  });
  return { name, child, stderr: () => stderr };
}

/** The service's worker process, with the probe loaded. @param {Target} target @param {string} [log] */
export function startWorker(target, log) {
  return start('worker', ['--import', PROBE, ENTRY.worker], serviceEnv(target), log);
}

/**
 * The service's API process (without workers, as in production), with the probe.
 * @param {Target} target @param {number} port @param {string} [log]
 */
export function startApi(target, port, log) {
  const env = serviceEnv(target, { PORT: String(port) });
  return start('api', ['--import', PROBE, ENTRY.api], env, log);
}

/** @param {Running} running @param {number} [graceMs] */
export async function stop(running, graceMs = 15_000) {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Fails with the child's stderr if it exits while we wait on `ready`.
 * @template T @param {Running} running @param {Promise<T>} ready @returns {Promise<T>}
 */
export async function unlessExited(running, ready) {
  /** @type {(code: number | null, signal: string | null) => void} */
  let onExit = () => undefined;
  /** @type {Promise<never>} */
  const exited = new Promise((_, reject) => {
    onExit = (code, signal) =>
      reject(
        new Error(
          `${running.name} exited (${code ?? signal}) while the bench waited on it:\n${running.stderr()}`,
        ),
      );
    running.child.once('exit', onExit);
  });
  try {
    return await Promise.race([ready, exited]);
  } finally {
    running.child.off('exit', onExit);
  }
}

/**
 * Polls `check` until it is truthy (or throws after `timeoutMs`).
 * @param {string} what @param {() => Promise<boolean>} check @param {number} [timeoutMs]
 */
export async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

let nextId = 1;

/**
 * One request to a child over IPC (the probe or the raw worker), its answer.
 * @param {Running} running @param {Record<string, unknown>} message @returns {Promise<unknown>}
 */
export function ask(running, message) {
  const id = nextId++;
  return unlessExited(
    running,
    new Promise((resolve, reject) => {
      /** @param {{ id?: number, result?: unknown, error?: string }} reply */
      const onMessage = (reply) => {
        if (reply.id !== id) return;
        running.child.off('message', onMessage);
        if (reply.error) reject(new Error(`${running.name}: ${reply.error}`));
        else resolve(reply.result);
      };
      running.child.on('message', onMessage);
      running.child.send({ ...message, id });
    }),
  );
}

/** A TCP port free right now on 127.0.0.1. @returns {Promise<number>} */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}
