// @ts-check
/**
 * Reads a V8 .cpuprofile (the worker's, from the probe) into what the report
 * prints: where the CPU went by package, the functions with the most self
 * time, and the service's own functions by inclusive time.
 */
import { readFile } from 'node:fs/promises';

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number },
 *   children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} CpuProfile
 * @typedef {{ name: string, ms: number }} Share
 * @typedef {{ totalMs: number, idleMs: number, socketWriteMs: number, gcMs: number, byPackage: Share[], topSelf: Share[],
 *   serviceInclusive: Share[] }} ProfileSummary
 */

/** Where a frame's code lives: a package, the service's own code, Node, or V8's pseudo-frames. @param {string} url @param {string} fn */
function packageOf(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 14).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const inDist = /\/dist\/((?:libs|apps)\/[^/]+)\//.exec(url);
  if (inDist) return `service ${inDist[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url;
}

/** Node's native frames that write to a socket. */
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);

/** @param {ProfileNode} node */
function label(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|dist)\//, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** @param {Map<string, number>} map @param {number} top @returns {Share[]} */
const ranked = (map, top) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000 }));

/** @param {string} path @returns {Promise<ProfileSummary>} */
export async function summariseProfile(path) {
  /** @type {unknown} */
  const parsed = JSON.parse(await readFile(path, 'utf8'));
  const profile = /** @type {CpuProfile} */ (parsed);
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  /** @type {Map<number, number>} */
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + profile.timeDeltas[i]));

  /** @type {Map<string, number>} */ const byPackage = new Map();
  /** @type {Map<string, number>} */ const topSelf = new Map();
  /** @type {Map<string, number>} */ const inclusive = new Map();
  let totalUs = 0;
  /**
   * The probe's own work is left out: answering the bench (stopping the
   * profiler) whole, and its counting where it is the running frame. Not what
   * runs beneath its wrappers of pg's query and ioredis's commands: that is
   * the service sending its statements and commands.
   * @param {number} id
   */
  const isProbe = (id) => {
    if (byId.get(id)?.callFrame.url.includes('/bench/')) return true;
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const frame = /** @type {ProfileNode} */ (byId.get(at)).callFrame;
      if (frame.url.includes('/bench/') && frame.functionName === 'answer') return true;
    }
    return false;
  };
  let socketWriteUs = 0;
  for (const [id, us] of selfUs) {
    const node = /** @type {ProfileNode} */ (byId.get(id));
    if (isProbe(id)) continue;
    // A write to a socket is a system call: the sampler finds the thread in it while the
    // kernel runs it and also while the thread is descheduled there (on loopback the
    // write wakes the peer, PostgreSQL or Redis, which may take the core). Wall time
    // more than CPU, so it is counted apart from the busy time (the /proc figures
    // give the kernel's real CPU).
    if (SOCKET_WRITES.has(node.callFrame.functionName) && !node.callFrame.url) {
      socketWriteUs += us;
      continue;
    }
    totalUs += us;
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${label(node)}  [${pkg}]`;
    topSelf.set(name, (topSelf.get(name) ?? 0) + us);
    // Inclusive time of the service's own functions: once per stack they appear in.
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const frame = /** @type {ProfileNode} */ (byId.get(at));
      if (
        !/\/dist\/(libs|apps)\//.test(frame.callFrame.url) ||
        frame.callFrame.url.includes('/node_modules/')
      )
        continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const idle = byPackage.get('(idle)') ?? 0;
  const gc = byPackage.get('(garbage collector)') ?? 0;
  byPackage.delete('(idle)');
  return {
    totalMs: totalUs / 1000,
    idleMs: idle / 1000,
    socketWriteMs: socketWriteUs / 1000,
    gcMs: gc / 1000,
    byPackage: ranked(byPackage, 14),
    topSelf: ranked(new Map([...topSelf].filter(([name]) => !name.startsWith('(idle)'))), 15),
    serviceInclusive: ranked(inclusive, 15),
  };
}
