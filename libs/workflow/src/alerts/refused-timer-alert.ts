import { DataSource } from 'typeorm';
import type { ReviewLevel } from '@app/domain';
import type { ErrorBody } from '@app/http';
import type { JobOutcome } from '@app/queue';
import type { TimerKind } from '../timers/timer-store';
import { refusedTimerMessage } from './alert-messages';
import type { AlertKind } from './alerts-query.dto';

/** The kind of alert `raiseRefusedTimerAlert` raises. */
const TIMER_REFUSED_ALERT: AlertKind = 'timer_refused';

/**
 * A timer whose transition is refused leaves its application where it is (a
 * notice that does not end, a deadline not flagged) until the cause is put
 * right, typically by an administrator: a year missing from the official
 * calendar. The worker's log says so, which nobody at a county office reads;
 * this puts it in the administrators' alerts (GET /api/alerts), once per
 * timer: the reconcile retries a refused timer every few minutes, and two
 * deliveries of its job may be refused at once, but the alerts' unique index
 * on the timer (migration 1764400007000) keeps the first alert only.
 */
export async function raiseRefusedTimerAlert(
  db: DataSource,
  timerId: string,
  outcome: JobOutcome,
  at: Date,
): Promise<void> {
  const [timer]: {
    application_id: string;
    kind: TimerKind;
    level: ReviewLevel;
    due_at: Date;
    region_path: string;
  }[] = await db.query(
    `SELECT t.application_id, t.kind, t.level, t.due_at, a.region_path
       FROM timers t JOIN applications a ON a.id = t.application_id
      WHERE t.id = $1 AND t.fired_at IS NULL AND t.cancelled_at IS NULL`,
    [timerId],
  );
  if (!timer) return;
  // A refusal's body is the contract's error shape (see `refusal`).
  const { code, message: why } = outcome.body as ErrorBody;
  const message = refusedTimerMessage(
    { kind: timer.kind, level: timer.level, dueAt: timer.due_at },
    { code, message: why },
  );
  await db.query(
    `INSERT INTO alerts (application_id, kind, level, to_level, region_path, message, created_at, timer_id)
     VALUES ($1, $2, $3, 'admin', $4, $5, $6, $7)
     ON CONFLICT (kind, timer_id) WHERE timer_id IS NOT NULL DO NOTHING`,
    [
      timer.application_id,
      TIMER_REFUSED_ALERT,
      timer.level,
      timer.region_path,
      message,
      at,
      timerId,
    ],
  );
}
