import type { JobOutcome } from '@app/queue';
import type { TransitionRequest } from '../engine/transition-request';

/** Applies requests together and answers each one's outcome or error, in order (TransitionEngine.applyBatch). */
export type ApplyBatch = (reqs: TransitionRequest[]) => Promise<PromiseSettledResult<JobOutcome>[]>;

interface Waiting {
  req: TransitionRequest;
  resolve: (outcome: JobOutcome) => void;
  reject: (reason: unknown) => void;
}

/**
 * Gathers the transitions a worker's jobs ask for into batches, each applied
 * in one transaction (TransitionEngine.applyBatch), and answers each job on
 * its own.
 *
 * No job waits for a batch to fill: what has arrived by the end of the
 * event loop's turn goes, as soon as fewer than `inFlight` batches are
 * running. A quiet worker applies each job as it comes, alone; under load,
 * jobs gather while the running batches hold the connections, and batches
 * grow up to `maxBatch` by themselves.
 */
export class TransitionBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private flushQueued = false;

  constructor(
    private readonly applyBatch: ApplyBatch,
    private readonly limits: { maxBatch: number; inFlight: number },
  ) {}

  apply(req: TransitionRequest): Promise<JobOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ req, resolve, reject });
      this.queueFlush();
    });
  }

  /** Batches running or waiting to: none once every job has been answered. */
  get pending(): number {
    return this.running + this.waiting.length;
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.running < this.limits.inFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.limits.maxBatch);
      this.running += 1;
      void this.run(batch).finally(() => {
        this.running -= 1;
        if (this.waiting.length > 0) this.queueFlush();
      });
    }
  }

  /** Answers every job of the batch, whatever happens: a job answered once is not answered again. */
  private async run(batch: Waiting[]): Promise<void> {
    try {
      const settled = await this.applyBatch(batch.map((w) => w.req));
      if (settled.length !== batch.length)
        throw new Error(`a batch of ${batch.length} jobs answered ${settled.length}`);
      batch.forEach((w, i) => {
        const result = settled[i];
        if (result.status === 'fulfilled') w.resolve(result.value);
        else w.reject(result.reason);
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
