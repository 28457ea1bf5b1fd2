// @ts-check
/**
 * Loaded into the service's worker with `node --import` (bench only; production
 * code is untouched). It counts, per SQL text, the queries the process sends to
 * PostgreSQL and the time each took to answer (keyed `T|sql` inside a
 * transaction, `O|sql` outside); per name, the Redis commands and
 * the BullMQ Lua scripts; and, on request, records a CPU profile through the
 * inspector. The bench asks over the IPC channel:
 *   { id, type: 'reset' }   zero the counters (and note CPU time and the clock)
 *   { id, type: 'read' }    the counters since the last reset
 *   { id, type: 'profile-start' } / { id, type: 'profile-stop', path } a .cpuprofile
 * Counting costs two performance.now() calls and a Map update per query.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';
import process from 'node:process';

const requireAny = createRequire(import.meta.url);
/** @param {string} id @returns {unknown} */
const require = (id) => /** @type {unknown} */ (requireAny(id));

/**
 * @typedef {{ n: number, ms: number, maxMs: number }} Tally
 * @typedef {{ sql: Record<string, Tally>, redis: Record<string, number>, scripts: Record<string, number>,
 *   cpuUserMs: number, cpuSystemMs: number, wallMs: number, eventLoopUtilization: number,
 *   eventLoopDelay: { p99: number, max: number }, gc: Pauses, majorGc: Pauses,
 *   pgConnects: number }} Counters
 * @typedef {{ count: number, totalMs: number, maxMs: number }} Pauses
 */

/** @type {Map<string, Tally>} */
let sql = new Map();
/** @type {Map<string, number>} */
let redis = new Map();
/** @type {Map<string, number>} */
let scripts = new Map();
/**
 * PostgreSQL connections opened: a pool that closes idle connections and opens
 * them again under load forks a backend, with cold caches, each time.
 */
let pgConnects = 0;
let cpuAtReset = process.cpuUsage();
let wallAtReset = performance.now();
let eluAtReset = performance.eventLoopUtilization();
/**
 * How late the event loop ran its timers (what a request waiting on it waits).
 * Node records the whole interval between ticks, in ns: the tick is taken off.
 */
const LOOP_TICK_MS = 5;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
loopDelay.enable();
/** Garbage-collection pauses: all of them, and the major (mark-compact) ones apart. */
const noPauses = () => ({ count: 0, totalMs: 0, maxMs: 0 });
let gc = noPauses();
let majorGc = noPauses();
/** @param {Pauses} p @param {number} ms */
const pause = (p, ms) => {
  p.count += 1;
  p.totalMs += ms;
  p.maxMs = Math.max(p.maxMs, ms);
};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pause(gc, entry.duration);
    const kind = /** @type {{ detail?: { kind?: number } }} */ (entry).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) pause(majorGc, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

/** Clients inside a transaction: their statements are counted apart. */
const inTransaction = new WeakSet();

/**
 * @param {object} client @param {string} text
 * @param {boolean} begins the statement carries its transaction's BEGIN (libs/database/src/pipelined-queries.ts)
 */
function keyOf(client, text, begins) {
  if (begins) {
    inTransaction.add(client);
    return `T|BEGIN + ${text}`;
  }
  const head = text.trimStart().slice(0, 17).toUpperCase();
  if (head.startsWith('START TRANSACTION') || head.startsWith('BEGIN')) {
    inTransaction.add(client);
    return `T|${text}`;
  }
  const key = `${inTransaction.has(client) ? 'T' : 'O'}|${text}`;
  if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK')) {
    if (!head.startsWith('ROLLBACK TO')) inTransaction.delete(client);
  }
  return key;
}

/** @param {string} text @param {number} ms */
function tally(text, ms) {
  const entry = sql.get(text);
  if (entry) {
    entry.n += 1;
    entry.ms += ms;
    entry.maxMs = Math.max(entry.maxMs, ms);
  } else sql.set(text, { n: 1, ms, maxMs: ms });
}

/** @param {Map<string, number>} map @param {string} key */
const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);

/** pg: every query of every client (TypeORM's pool included) passes through Client#query. */
function patchPg() {
  const pg = /** @type {{ Client: { prototype: Record<string, unknown> } }} */ (require('pg'));
  const proto = pg.Client.prototype;
  const connect = /** @type {(...args: unknown[]) => unknown} */ (proto.connect);
  proto.connect = function (/** @type {unknown[]} */ ...args) {
    pgConnects += 1;
    return connect.apply(this, args);
  };
  const original = /** @type {(...args: unknown[]) => unknown} */ (proto.query);
  proto.query = function (/** @type {unknown[]} */ ...args) {
    const [config] = args;
    const text =
      typeof config === 'string'
        ? config
        : typeof (/** @type {{ text?: unknown }} */ (config)?.text) === 'string'
          ? /** @type {{ text: string }} */ (config).text
          : null;
    if (text === null) return original.apply(this, args);
    const submittable = /** @type {{ beginsTransaction?: boolean, callback?: unknown }} */ (config);
    const key = keyOf(this, text, submittable.beginsTransaction === true);
    const start = performance.now();
    if (typeof submittable.callback === 'function') {
      // A query object (a statement with its BEGIN, COMMIT or plan switch in one
      // train): pg hands it back, not a promise, and its answer goes to its callback.
      const done = /** @type {(...r: unknown[]) => unknown} */ (submittable.callback);
      submittable.callback = (/** @type {unknown[]} */ ...results) => {
        tally(key, performance.now() - start);
        return done(...results);
      };
      return original.apply(this, args);
    }
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      const done = /** @type {(...r: unknown[]) => unknown} */ (callback);
      args[last] = (/** @type {unknown[]} */ ...results) => {
        tally(key, performance.now() - start);
        return done(...results);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          tally(key, performance.now() - start);
          return /** @type {unknown} */ (value);
        },
        (/** @type {unknown} */ error) => {
          tally(key, performance.now() - start);
          throw error;
        },
      );
    }
    return result;
  };
}

/** ioredis (each copy: BullMQ has its own) and BullMQ's Lua scripts by name. */
function patchRedis() {
  const bullmqDir = dirname(requireAny.resolve('bullmq/package.json'));
  const copies = new Set([
    requireAny.resolve('ioredis'),
    requireAny.resolve('ioredis', { paths: [bullmqDir] }),
  ]);
  for (const path of copies) {
    const Redis = /** @type {{ prototype: Record<string, unknown> }} */ (require(path));
    const original = /** @type {(command: { name: string }, ...rest: unknown[]) => unknown} */ (
      Redis.prototype.sendCommand
    );
    Redis.prototype.sendCommand = function (
      /** @type {{ name: string }} */ command,
      /** @type {unknown[]} */ ...rest
    ) {
      bump(redis, command.name);
      return original.call(this, command, ...rest);
    };
  }
  const bullmq = /** @type {{ Scripts: { prototype: Record<string, unknown> } }} */ (
    require('bullmq')
  );
  const proto = bullmq.Scripts.prototype;
  const exec = /** @type {(client: unknown, name: string, args: unknown) => unknown} */ (
    proto.execCommand
  );
  proto.execCommand = function (
    /** @type {unknown} */ client,
    /** @type {string} */ name,
    /** @type {unknown} */ args,
  ) {
    bump(scripts, name);
    return exec.call(this, client, name, args);
  };
}

function reset() {
  sql = new Map();
  redis = new Map();
  scripts = new Map();
  pgConnects = 0;
  cpuAtReset = process.cpuUsage();
  wallAtReset = performance.now();
  eluAtReset = performance.eventLoopUtilization();
  loopDelay.reset();
  gc = noPauses();
  majorGc = noPauses();
}

/** @returns {Counters} */
function read() {
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    sql: Object.fromEntries(sql),
    redis: Object.fromEntries(redis),
    scripts: Object.fromEntries(scripts),
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    wallMs: performance.now() - wallAtReset,
    eventLoopUtilization: performance.eventLoopUtilization(eluAtReset).utilization,
    eventLoopDelay: {
      p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_TICK_MS),
      max: Math.max(0, loopDelay.max / 1e6 - LOOP_TICK_MS),
    },
    gc,
    majorGc,
    pgConnects,
  };
}

const session = new Session();
session.connect();

/** @param {{ id: number, type: string, path?: string }} message */
async function answer(message) {
  switch (message.type) {
    case 'reset':
      reset();
      return null;
    case 'read':
      return read();
    case 'profile-start':
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
      return null;
    case 'profile-stop': {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(String(message.path), JSON.stringify(profile));
      return message.path;
    }
    default:
      throw new Error(`unknown probe request ${message.type}`);
  }
}

patchPg();
patchRedis();
process.on('message', (/** @type {{ id: number, type: string, path?: string }} */ message) => {
  answer(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (/** @type {Error} */ error) => process.send?.({ id: message.id, error: error.message }),
  );
});
// The IPC channel must not keep the process alive once the service shuts down.
process.channel?.unref();
