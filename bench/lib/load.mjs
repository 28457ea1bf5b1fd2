// @ts-check
/**
 * The load of (c), in a process of its own: an open-loop generator at a fixed
 * rate. Request k is due at t0 + k / rate whatever the answers before it, and
 * its latency runs from that due instant to the last byte of its answer, so a
 * slow server cannot slow the load down and hide its own queueing (no
 * coordinated omission). Keep-alive connections, as many as needed.
 *
 * (autocannon 9 was tried first: its rate limit lets each connection send its
 * whole per-second quota back to back at every second tick (lib/httpClient.js,
 * `reqsMadeThisSecond`), bursts rather than a steady rate, and its correction
 * for coordinated omission uses an expected interval of ceil(1 / rate) = 1 ms
 * (lib/run.js), which fills the histogram with made-up samples.)
 *
 * Usage: node load.mjs <plan.json>; prints one JSON object.
 *   plan: { origin, token, method, paths: string[], body?, rate, seconds, warmupSeconds, capacity? }
 *   The first rate × warmupSeconds paths are the warm-up's, the next rate × seconds the
 *   measurement's. With `capacity: { seconds, concurrency }`, a closed loop follows on the
 *   remaining paths (each of `concurrency` clients sends its next request when the last
 *   answered): the most the service answers per second, for reference.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { quantile } from './quantile.mjs';

/**
 * @typedef {{ origin: string, token: string, method: string, paths: string[], body?: unknown,
 *   rate: number, seconds: number, warmupSeconds: number,
 *   capacity?: { seconds: number, concurrency: number } }} Plan
 * @typedef {{ requests: number, seconds: number, offeredRate: number, achievedRate: number,
 *   p50: number, p90: number, p99: number, p999: number, max: number, mean: number,
 *   sendLagP99: number, statuses: Record<string, number>, errors: number, sample: string | null,
 *   generatorCpuMs: number, perSecondP99: number[] }} Result
 */

/** @type {unknown} */
const parsed = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const plan = /** @type {Plan} */ (parsed);
const origin = new URL(plan.origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const body = plan.body === undefined ? null : Buffer.from(JSON.stringify(plan.body));
const headers = {
  authorization: `Bearer ${plan.token}`,
  ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
};

/** @param {string} path @returns {Promise<{ status: number, text: string }>} */
function send(path) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: plan.method,
        path,
        headers,
        timeout: 60_000,
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (/** @type {Buffer} */ c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/**
 * @param {string[]} paths @param {number} seconds
 * @returns {Promise<Result>}
 */
function phase(paths, seconds) {
  const total = Math.min(paths.length, Math.round(plan.rate * seconds));
  const interval = 1000 / plan.rate;
  const latency = new Float64Array(total);
  const lag = new Float64Array(total);
  /** @type {Record<string, number>} */
  const statuses = {};
  let errors = 0;
  /** @type {string | null} */
  let sample = null;
  let sent = 0;
  let done = 0;
  let last = 0;
  const t0 = performance.now() + 10;
  const cpu0 = process.cpuUsage();
  return new Promise((resolve) => {
    const finish = () => {
      const ok = latency.filter((x) => !Number.isNaN(x)).sort();
      const sortedLag = lag.slice().sort();
      resolve({
        requests: total,
        seconds,
        offeredRate: plan.rate,
        achievedRate: total / ((last - t0) / 1000),
        p50: quantile(ok, 0.5),
        p90: quantile(ok, 0.9),
        p99: quantile(ok, 0.99),
        p999: quantile(ok, 0.999),
        max: ok.length ? ok[ok.length - 1] : NaN,
        mean: ok.reduce((a, b) => a + b, 0) / ok.length,
        sendLagP99: quantile(sortedLag, 0.99),
        statuses,
        errors,
        sample,
        generatorCpuMs: cpuMsSince(cpu0),
        perSecondP99: perSecondP99(latency, plan.rate),
      });
    };
    /** @param {number} k */
    const fire = (k) => {
      const due = t0 + k * interval;
      lag[k] = performance.now() - due;
      send(paths[k]).then(
        ({ status, text }) => {
          last = performance.now();
          latency[k] = last - due;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if ((status < 200 || status > 299) && sample === null)
            sample = `${status} ${text.slice(0, 300)}`;
          if (++done === total) finish();
        },
        (/** @type {Error} */ error) => {
          last = performance.now();
          latency[k] = NaN;
          errors++;
          if (sample === null) sample = error.message;
          if (++done === total) finish();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    // No requests (no warm-up): nothing will answer, so finish now.
    if (total === 0) finish();
    else setTimeout(tick, 10);
  });
}

/**
 * Closed loop: `concurrency` clients, each sending its next request when its last one answered.
 * @param {string[]} paths @param {{ seconds: number, concurrency: number }} options
 * @returns {Promise<Result>}
 */
async function closedLoop(paths, { seconds, concurrency }) {
  /** @type {number[]} */
  const latency = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const end = t0 + seconds * 1000;
  const client = async () => {
    while (performance.now() < end && next < paths.length) {
      const start = performance.now();
      try {
        const { status } = await send(paths[next++]);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) latency.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - t0) / 1000;
  const ok = Float64Array.from(latency).sort();
  return {
    requests: next,
    seconds,
    offeredRate: NaN,
    achievedRate: ok.length / elapsed,
    p50: quantile(ok, 0.5),
    p90: quantile(ok, 0.9),
    p99: quantile(ok, 0.99),
    p999: quantile(ok, 0.999),
    max: ok.length ? ok[ok.length - 1] : NaN,
    mean: ok.reduce((a, b) => a + b, 0) / ok.length,
    sendLagP99: 0,
    statuses,
    errors,
    sample: null,
    generatorCpuMs: cpuMsSince(cpu0),
    perSecondP99: [],
  };
}

/**
 * The p99 of each second of an open-loop phase, by due instant (request k is
 * due in second floor(k / rate)). A tail made of a few slow episodes (a pause,
 * a burst of other work) shows as a few bad seconds among good ones; a tail
 * spread over the whole phase, as every second's p99 near the phase's.
 * Failed requests (NaN) are left out, as from the phase's own quantiles.
 * @param {Float64Array} latency @param {number} rate
 */
function perSecondP99(latency, rate) {
  /** @type {number[]} */
  const seconds = [];
  for (let start = 0; start < latency.length; start += rate) {
    const second = latency
      .slice(start, start + rate)
      .filter((x) => !Number.isNaN(x))
      .sort();
    seconds.push(quantile(second, 0.99));
  }
  return seconds;
}

/** This process's CPU (user + system) since `start`, in ms. @param {NodeJS.CpuUsage} start */
function cpuMsSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

const warmupCount = Math.round(plan.rate * plan.warmupSeconds);
const measuredCount = Math.round(plan.rate * plan.seconds);
const warmup = await phase(plan.paths.slice(0, warmupCount), plan.warmupSeconds);
const measured = await phase(
  plan.paths.slice(warmupCount, warmupCount + measuredCount),
  plan.seconds,
);
const capacity = plan.capacity
  ? await closedLoop(plan.paths.slice(warmupCount + measuredCount), plan.capacity)
  : null;
agent.destroy();
process.stdout.write(JSON.stringify({ warmup, measured, capacity }));
