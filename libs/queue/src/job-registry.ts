import { Job } from 'bullmq';
import { JobOutcome, TRANSITION_JOB_NAMES, TransitionJobName, TransitionJobs } from './jobs';

export type TransitionHandler<N extends TransitionJobName> = (
  data: TransitionJobs[N],
  job: Job<TransitionJobs[N]>,
  token?: string,
) => Promise<JobOutcome>;

export type TransitionHandlers = { [N in TransitionJobName]: TransitionHandler<N> };

export class JobRegistryError extends Error {}

/**
 * Collects one handler per job name. `complete()` refuses (throws) when a name
 * has no handler or two, so a worker never starts half-wired.
 */
export class JobRegistry {
  private readonly handlers = new Map<string, TransitionHandler<TransitionJobName>>();

  register<N extends TransitionJobName>(name: N, handler: TransitionHandler<N>): void {
    if (this.handlers.has(name)) throw new JobRegistryError(`Two handlers for job "${name}"`);
    this.handlers.set(name, handler as unknown as TransitionHandler<TransitionJobName>);
  }

  complete(): TransitionHandlers {
    const missing = TRANSITION_JOB_NAMES.filter((name) => !this.handlers.has(name));
    if (missing.length > 0)
      throw new JobRegistryError(`No handler for job(s): ${missing.join(', ')}`);
    const unknown = [...this.handlers.keys()].filter(
      (n) => !(TRANSITION_JOB_NAMES as readonly string[]).includes(n),
    );
    if (unknown.length > 0)
      throw new JobRegistryError(`Handlers for unknown job(s): ${unknown.join(', ')}`);
    return Object.fromEntries(this.handlers) as unknown as TransitionHandlers;
  }
}
