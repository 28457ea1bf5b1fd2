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

/** A PostgreSQL backend: its process id and the name its client gave (`application_name`). */
export interface Backend {
  pid: number;
  name: string;
}

/**
 * The CPU used by PostgreSQL backends of one database over a span, sampled:
 * `begin` notes what the backends then open had used; each sample keeps the
 * highest figure seen per backend. A backend that closed between samples
 * loses its last increment, so the total is a lower bound. Backends are also
 * counted by the name their client gave, which tells the workers' share from
 * the simulator's own and the stand-in vacuum's.
 */
export class BackendCpu {
  private readonly baseline = new Map<number, number>();
  private readonly latest = new Map<number, number>();
  private readonly names = new Map<number, string>();

  /** `read`: a process's CPU seconds so far, null when it is gone (/proc unless a test says). */
  constructor(private readonly read: (pid: number) => number | null = processCpuSeconds) {}

  begin(backends: readonly Backend[]): void {
    for (const { pid, name } of backends) {
      const seconds = this.read(pid);
      if (seconds === null) continue;
      this.baseline.set(pid, seconds);
      this.names.set(pid, name);
    }
  }

  sample(backends: readonly Backend[]): void {
    for (const { pid, name } of backends) {
      const seconds = this.read(pid);
      if (seconds === null) continue;
      this.latest.set(pid, Math.max(seconds, this.latest.get(pid) ?? 0));
      this.names.set(pid, name);
    }
  }

  get seconds(): number {
    let total = 0;
    for (const seconds of this.byName().values()) total += seconds;
    return total;
  }

  /** Seconds per client name, most first. */
  byName(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const [pid, last] of this.latest) {
      const name = this.names.get(pid) || '(unnamed)';
      totals.set(name, (totals.get(name) ?? 0) + last - (this.baseline.get(pid) ?? 0));
    }
    return new Map([...totals].sort((a, b) => b[1] - a[1]));
  }

  get backends(): number {
    return this.latest.size;
  }
}
