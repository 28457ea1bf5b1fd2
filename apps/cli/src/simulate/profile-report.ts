import type { QueryTiming } from './profile-hook';

/** The parts of a V8 CPU profile (.cpuprofile) read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  key: string;
  ms: number;
}

/** Where a frame's code lives: a package, one of the project's libs or apps, Node, or V8 itself. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName || '(anonymous)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + '/dist/'.length) : url;
}

/** Self time per function and per category, from samples and their time deltas (µs). */
export function selfTimes(profile: CpuProfile): {
  total: number;
  byFunction: SelfTime[];
  byCategory: SelfTime[];
} {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byCategory = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    if (!node) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = url ? `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}` : functionName; // prettier-ignore
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const category = categoryOf(url, functionName);
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
  });
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .map(([key, ms]) => ({ key, ms }))
      .sort((a, b) => b.ms - a.ms || a.key.localeCompare(b.key));
  return { total, byFunction: sorted(byFunction), byCategory: sorted(byCategory) };
}

/** Query timings of several workers added up, largest total first. */
export function mergeQueryTimings(lists: readonly (readonly QueryTiming[])[]): QueryTiming[] {
  const merged = new Map<string, QueryTiming>();
  for (const list of lists)
    for (const t of list) {
      const m = merged.get(t.text) ?? { text: t.text, count: 0, totalMs: 0, maxMs: 0 };
      m.count += t.count;
      m.totalMs += t.totalMs;
      m.maxMs = Math.max(m.maxMs, t.maxMs);
      merged.set(t.text, m);
    }
  return [...merged.values()].sort((a, b) => b.totalMs - a.totalMs);
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-'); // prettier-ignore

/** Lines for the report: categories and functions by self time, statements by total time. */
export function profileLines(
  profiles: readonly CpuProfile[],
  queries: readonly QueryTiming[],
  top = 15,
): string[] {
  const lines: string[] = [];
  const merged = { total: 0, fn: new Map<string, number>(), cat: new Map<string, number>() };
  for (const p of profiles) {
    const s = selfTimes(p);
    merged.total += s.total;
    for (const f of s.byFunction) merged.fn.set(f.key, (merged.fn.get(f.key) ?? 0) + f.ms);
    for (const c of s.byCategory) merged.cat.set(c.key, (merged.cat.get(c.key) ?? 0) + c.ms);
  }
  const rank = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top); // prettier-ignore
  lines.push(`  workers' CPU samples: ${(merged.total / 1000).toFixed(1)} s (idle included)`);
  lines.push('  self time by where the code lives:');
  for (const [k, ms] of rank(merged.cat))
    lines.push(
      `    ${pct(ms, merged.total).padStart(6)}  ${(ms / 1000).toFixed(1).padStart(7)} s  ${k}`,
    );
  lines.push('  self time by function:');
  for (const [k, ms] of rank(merged.fn))
    lines.push(
      `    ${pct(ms, merged.total).padStart(6)}  ${(ms / 1000).toFixed(1).padStart(7)} s  ${k}`,
    );
  const queryTotal = queries.reduce((s, q) => s + q.totalMs, 0);
  const count = queries.reduce((s, q) => s + q.count, 0);
  lines.push(
    `  statements as the workers waited for them: ${count} statements, ${(queryTotal / 1000).toFixed(1)} s in all`,
  );
  for (const q of queries.slice(0, top))
    lines.push(
      `    ${pct(q.totalMs, queryTotal).padStart(6)}  ${String(q.count).padStart(8)} × ${(q.totalMs / q.count).toFixed(2).padStart(6)} ms  ${q.text}`,
    );
  return lines;
}
