import { ApiClient, Reply, RequestOptions } from './api-client';
import { sleep } from './wait';

/**
 * Answers after which a client tries again with the same Idempotency-Key:
 * none (0), the service or a dependency faltering (500, 502, 504), and 503,
 * which api.md's TRANSITION_PENDING answer says to retry with the same key.
 */
const RETRYABLE = new Set([0, 500, 502, 503, 504]);

export interface Sent extends Reply {
  attempts: number;
  ms: number;
}

/**
 * Sends commands as a careful client does: each with an Idempotency-Key,
 * retried with that key until it gets an answer that is not a fault. Counts
 * every answer it saw, so a test can print how often the fault showed.
 */
export class CommandSender {
  commands = 0;
  attempts = 0;
  slowestMs = 0;
  readonly answers = new Map<number, number>();
  /** The first body of each fault answer (one that is retried), to show what the client was told. */
  readonly firstBodies = new Map<number, unknown>();

  constructor(
    private readonly client: ApiClient,
    private readonly giveUpAfterMs = 300_000,
  ) {}

  /**
   * Commands always carry an Idempotency-Key. Objections (a public route with no
   * idempotency) carry none: a retried objection could be stored twice, which
   * the tests that send them check (stored = acknowledged).
   */
  async post(path: string, options: RequestOptions): Promise<Sent> {
    const started = Date.now();
    this.commands += 1;
    for (let attempt = 1; ; attempt++) {
      this.attempts += 1;
      const reply = await this.client.post(path, options);
      this.answers.set(reply.status, (this.answers.get(reply.status) ?? 0) + 1);
      if (RETRYABLE.has(reply.status) && !this.firstBodies.has(reply.status))
        this.firstBodies.set(reply.status, reply.body);
      const ms = Date.now() - started;
      if (!RETRYABLE.has(reply.status) || ms > this.giveUpAfterMs) {
        this.slowestMs = Math.max(this.slowestMs, ms);
        return { ...reply, attempts: attempt, ms };
      }
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
    }
  }

  /** "200×1234 503×12" */
  summary(): string {
    return [...this.answers.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`)
      .join(' ');
  }

  /** "503 TRANSITION_PENDING; 500 INTERNAL" */
  faultCodes(): string {
    return [...this.firstBodies.entries()]
      .map(
        ([status, body]) => `${status} ${(body as { code?: string }).code ?? JSON.stringify(body)}`,
      )
      .join('; ');
  }
}
