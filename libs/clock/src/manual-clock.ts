import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { updateReturning } from '@app/database';
import { Clock } from './clock';

/** What runs when the manual clock moves forward: timers due by then fire before `set` returns. */
export type ClockAdvanceListener = (now: Date) => Promise<void>;

/**
 * A clock that stands still until an administrator moves it. The time lives in
 * PostgreSQL (table manual_clock) so that the API and every worker process read
 * the same instant; a Redis message tells the other processes to reload.
 */
export class ManualClock extends Clock {
  readonly mode = 'manual' as const;
  private current = new Date();
  private readonly listeners: ClockAdvanceListener[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly publisher: Redis,
    private readonly channel: string,
  ) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  /** Reads the stored instant, storing the system time first if there is none. */
  async load(): Promise<void> {
    await this.db.query(
      `INSERT INTO manual_clock (id, now) VALUES (1, now()) ON CONFLICT (id) DO NOTHING`,
    );
    const rows: { now: Date }[] = await this.db.query(`SELECT now FROM manual_clock WHERE id = 1`);
    this.current = rows[0].now;
  }

  onAdvance(listener: ClockAdvanceListener): void {
    this.listeners.push(listener);
  }

  /**
   * Moves the clock. It never goes back: timers already fired and history
   * already written cannot be undone, so a backward move is refused.
   */
  async set(instant: Date): Promise<Date> {
    const rows = await updateReturning<{ now: Date }>(
      this.db,
      `UPDATE manual_clock SET now = $1, updated_at = now() WHERE id = 1 AND now <= $1 RETURNING now`,
      [instant],
    );
    if (rows.length === 0) throw new ClockBackwardsError(this.current, instant);
    this.current = rows[0].now;
    await this.publisher.publish(this.channel, this.current.toISOString()).catch(() => undefined);
    for (const listener of this.listeners) await listener(this.now());
    return this.now();
  }

  /** Applies a time announced by another process. */
  receive(iso: string): void {
    const instant = new Date(iso);
    if (!Number.isNaN(instant.getTime()) && instant > this.current) this.current = instant;
  }
}

export class ClockBackwardsError extends Error {
  readonly code = 'CLOCK_BACKWARDS';
  constructor(current: Date, requested: Date) {
    super(
      `The manual clock cannot go back from ${current.toISOString()} to ${requested.toISOString()}`,
    );
  }
}
