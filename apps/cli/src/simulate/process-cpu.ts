import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process from /proc (Linux); null when unreadable or gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Fields 14 and 15 of /proc/<pid>/stat (utime, stime), after the parenthesised command name. */
export function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * The CPU used by PostgreSQL backends of one database over a span, sampled:
 * `begin` notes what the backends then open had used; each sample keeps the
 * highest figure seen per backend. A backend that closed between samples
 * loses its last increment, so the total is a lower bound.
 */
export class BackendCpu {
  private readonly baseline = new Map<number, number>();
  private readonly latest = new Map<number, number>();

  begin(pids: readonly number[]): void {
    for (const pid of pids) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== null) this.baseline.set(pid, seconds);
    }
  }

  sample(pids: readonly number[]): void {
    for (const pid of pids) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== null) this.latest.set(pid, Math.max(seconds, this.latest.get(pid) ?? 0));
    }
  }

  get seconds(): number {
    let total = 0;
    for (const [pid, last] of this.latest) total += last - (this.baseline.get(pid) ?? 0);
    return total;
  }

  get backends(): number {
    return this.latest.size;
  }
}
