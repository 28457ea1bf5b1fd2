import { ApiClient } from './api-client';
import { sleep } from './wait';

export interface HealthSample {
  sentAt: number;
  answeredAt: number;
  status: number;
}

/** Polls GET /api/health, as a load balancer would, keeping every answer. */
export class HealthProbe {
  readonly samples: HealthSample[] = [];
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ApiClient,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopped) {
        const sentAt = Date.now();
        const reply = await this.client.get('/api/health', { timeoutMs: 10_000 });
        this.samples.push({ sentAt, answeredAt: Date.now(), status: reply.status });
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Answers to requests sent and answered entirely inside [from, to]. */
  within(from: number, to: number): HealthSample[] {
    return this.samples.filter((s) => s.sentAt >= from && s.answeredAt <= to);
  }

  /** The first 200 sent at or after `from`. */
  firstOkAfter(from: number): HealthSample | undefined {
    return this.samples.find((s) => s.sentAt >= from && s.status === 200);
  }
}
