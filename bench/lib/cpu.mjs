// @ts-check
/**
 * CPU time of other processes from /proc (Linux): the PostgreSQL backends
 * serving the scratch database and the Redis server (shared with whatever else
 * uses it, so its figure is an upper bound).
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process in ms, 0 when it is gone. @param {number} pid */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** @typedef {Map<number, number>} CpuSnapshot */

/** @param {number[]} pids @returns {CpuSnapshot} */
export function snapshot(pids) {
  return new Map(pids.map((pid) => [pid, cpuMs(pid)]));
}

/** CPU ms spent between two snapshots (a process that appeared counts whole). @param {CpuSnapshot} before @param {CpuSnapshot} after */
export function spent(before, after) {
  let ms = 0;
  for (const [pid, now] of after) ms += Math.max(0, now - (before.get(pid) ?? 0));
  return ms;
}

/** The backends connected to the scratch database. @param {import('typeorm').DataSource} db */
export async function backendPids(db) {
  /** @type {{ pid: number }[]} */
  const rows = await db.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  return rows.map((r) => r.pid);
}

/** @param {import('ioredis').Redis} redis */
export async function redisPid(redis) {
  const info = await redis.info('server');
  const match = /process_id:(\d+)/.exec(info);
  return match ? Number(match[1]) : 0;
}

/**
 * CPU spent by the scratch database's backends and by Redis while `fn` runs.
 * @template T @param {import('typeorm').DataSource} db @param {number} redis pid
 * @param {() => Promise<T>} fn @returns {Promise<{ result: T, postgresMs: number, redisMs: number }>}
 */
export async function measuringCpu(db, redis, fn) {
  const pg0 = snapshot(await backendPids(db));
  const redis0 = snapshot([redis]);
  const result = await fn();
  const pg1 = snapshot([...new Set([...pg0.keys(), ...(await backendPids(db))])]);
  return { result, postgresMs: spent(pg0, pg1), redisMs: spent(redis0, snapshot([redis])) };
}
