import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { MIGRATIONS_TABLE } from '@app/database';
import type { TestApp } from '../../support/test-app';
import { TEST_ENV } from '../../support/test-env';

const ROOT = join(__dirname, '..', '..', '..');
/** What `npm run build` makes (CI builds before it tests). */
export const BUILT_MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than the sources, so the logs are
 * those of the code under test (CI builds first; this covers a plain `npm test`).
 */
export function ensureBuilt(): void {
  const sources = Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')));
  if (existsSync(BUILT_MAIN) && statSync(BUILT_MAIN).mtimeMs >= sources) return;
  execFileSync('npx', ['nest', 'build', 'api'], { cwd: ROOT, stdio: 'inherit' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * This run's database emptied (the schema stays) with the manual clock at the
 * campaign's opening morning, and this run's rate-limit counters cleared: what
 * resetDatabase does, without an app in this process.
 */
export async function resetForBuiltApp(): Promise<void> {
  const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> $1`,
      [MIGRATIONS_TABLE],
    );
    await db.query(
      `TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`,
    );
    await db.query(`INSERT INTO manual_clock (id, now) VALUES (1, '2025-09-01T09:00:00+08:00')`);
  } finally {
    await db.end();
  }
  const redis = new Redis(TEST_ENV.REDIS_URL);
  try {
    const keys = await redis.keys(`${TEST_ENV.REDIS_PREFIX}:rate:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export interface BuiltApp {
  /** Enough of TestApp for the factories, which only send HTTP requests. */
  t: TestApp;
  /** Everything the process wrote on stdout and stderr so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the built service (API and worker, `--with-worker`) as its own
 * process, with this run's database and Redis prefix and the given extra
 * environment, and keeps everything it writes. pino writes to file
 * descriptor 1 directly, so only another process's output can be captured
 * whole, without a hook in production code.
 */
export async function startBuiltApp(env: Record<string, string>): Promise<BuiltApp> {
  ensureBuilt();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BUILT_MAIN, '--with-worker'], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_ENV, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stderr!.on('data', (c: Buffer) => chunks.push(c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => Buffer.concat(chunks).toString('utf8');

  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the built app exited: ${output()}`);
    const up = await request(base)
      .get('/api/health')
      .then((r) => r.status === 200)
      .catch(() => false);
    if (up) break;
    if (i > 300) throw new Error(`the built app did not answer: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    t: { http: () => request(base) } as unknown as TestApp,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
