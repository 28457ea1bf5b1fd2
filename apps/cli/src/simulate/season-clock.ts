import { DataSource } from 'typeorm';
import { ManualClock } from '@app/clock';
import { AppError } from '@app/http';
import { isTransient } from './pool';

/** A clock move whose due timers do not go down for STUCK_POLLS polls is stuck. */
const STUCK_POLL_MS = 30_000;
const STUCK_POLLS = 4;
const MAX_ATTEMPTS = 20;

export class StuckClockError extends Error {}

/**
 * The season's moves of the shared manual clock. A move fires every timer due
 * by then and waits for them; a firing that outlasts the queue's wait answers
 * 503, and the move is repeated (the clock accepts the same instant), which
 * fires the rest. A move during which the due timers stop going down is stuck:
 * it throws StuckClockError naming them, rather than waiting for ever.
 */
export class SeasonClock {
  /** Moves repeated after a 503 or a transient failure. */
  retries = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly db: DataSource,
  ) {}

  async set(instant: Date): Promise<void> {
    const watch = this.watchDueTimers(instant);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await Promise.race([this.clock.set(instant), watch.stuck]);
          return;
        } catch (e) {
          if (!(e instanceof AppError || isTransient(e)) || attempt >= MAX_ATTEMPTS) throw e;
          this.retries += 1;
        }
      }
    } finally {
      watch.stop();
    }
  }

  private watchDueTimers(instant: Date): { stuck: Promise<never>; stop: () => void } {
    let timer: NodeJS.Timeout | undefined;
    let last = Number.POSITIVE_INFINITY;
    let still = 0;
    const stuck = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        void this.dueTimers(instant).then(({ count, examples }) => {
          still = count > 0 && count >= last ? still + 1 : 0;
          last = count;
          if (still >= STUCK_POLLS)
            reject(
              new StuckClockError(
                `moving the clock to ${instant.toISOString()}: ${count} timer(s) due and not going down` +
                  ` for ${(STUCK_POLLS * STUCK_POLL_MS) / 1000} s, e.g. ${JSON.stringify(examples)}`,
              ),
            );
        }, reject);
      }, STUCK_POLL_MS);
    });
    stuck.catch(() => undefined);
    return { stuck, stop: () => clearInterval(timer) };
  }

  /** How many timers are due by `instant` and not fired; a few, with the outcome recorded under their job id. */
  private async dueTimers(instant: Date) {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM timers
        WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1`,
      [instant],
    );
    const examples = await this.db.query<
      { id: string; due_at: Date; status_code: number | null; code: string | null }[]
    >(
      `SELECT t.id, t.due_at, c.status_code, c.body->>'code' AS code
         FROM timers t LEFT JOIN command_results c ON c.job_id = t.id
        WHERE t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.due_at <= $1
        ORDER BY t.due_at, t.id LIMIT 3`,
      [instant],
    );
    return { count, examples };
  }
}
