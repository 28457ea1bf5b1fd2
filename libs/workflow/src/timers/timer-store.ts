import { EntityManager } from 'typeorm';
import type { Statement } from '@app/database';

export type TimerKind = 'review_deadline' | 'notice_end';

export interface TimerRow {
  id: string;
  applicationId: string;
  kind: TimerKind;
  level: string;
  dueAt: Date;
}

/** The job name that fires each kind of timer. */
export const TIMER_JOB = { review_deadline: 'reviewDeadline', notice_end: 'noticeEnd' } as const;

/**
 * Timers live in PostgreSQL with their due instant; Redis only holds the delayed
 * jobs that fire them, which can always be rebuilt from these rows. The id is
 * stable (application, kind, version) and doubles as the BullMQ job id.
 */
export const timerId = (applicationId: string, kind: TimerKind, version: number): string =>
  `${applicationId}-${kind}-${version}`;

export function insertTimerStatement(timer: TimerRow): Statement {
  return {
    sql: `INSERT INTO timers (id, application_id, kind, level, due_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (id) DO NOTHING`,
    params: [timer.id, timer.applicationId, timer.kind, timer.level, timer.dueAt],
  };
}

/**
 * Cancels the application's pending timers of one kind as it leaves the state
 * that set them; `except` is a timer the same transition fires (a row is changed
 * by one part of a batch only).
 */
export function cancelTimersStatement(
  applicationId: string,
  at: Date,
  kind: TimerKind,
  except: string | null,
): Statement {
  return {
    sql: `UPDATE timers SET cancelled_at = $2
           WHERE application_id = $1 AND fired_at IS NULL AND cancelled_at IS NULL AND kind = $3
             AND id IS DISTINCT FROM $4`,
    params: [applicationId, at, kind, except],
  };
}

/**
 * Marks a timer fired. Timers change only under their application's row lock,
 * so the pending row the transition read under that lock is this one.
 */
export function fireTimerStatement(id: string, at: Date): Statement {
  return { sql: `UPDATE timers SET fired_at = $2 WHERE id = $1`, params: [id, at] };
}

/** Pending timers due by `dueBy` (all when null), earliest first. */
export async function dueTimers(
  db: Pick<EntityManager, 'query'>,
  dueBy: Date,
  limit: number,
  except: readonly string[] = [],
): Promise<TimerRow[]> {
  const rows: TimerDbRow[] = await db.query(
    `SELECT id, application_id, kind, level, due_at FROM timers
      WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 AND id <> ALL($3::text[])
      ORDER BY due_at, id LIMIT $2`,
    [dueBy, limit, except],
  );
  return rows.map(toTimer);
}

/** Pending timers created since an instant, or due before another (see TimerScheduler.reconcile). */
export interface RecentOrOverdue {
  createdSince: Date;
  dueBefore: Date;
}

/**
 * Every pending timer (or only those `recentOrOverdue`), a page at a time by id
 * (a key that round-trips exactly; timestamps do not: PostgreSQL keeps
 * microseconds, JavaScript milliseconds).
 */
export async function pendingTimersAfter(
  db: Pick<EntityManager, 'query'>,
  afterId: string,
  limit: number,
  recentOrOverdue?: RecentOrOverdue,
): Promise<TimerRow[]> {
  const rows: TimerDbRow[] = await db.query(
    `SELECT id, application_id, kind, level, due_at FROM timers
      WHERE fired_at IS NULL AND cancelled_at IS NULL AND id > $1
        AND ($3::timestamptz IS NULL OR created_at >= $3 OR due_at < $4)
      ORDER BY id LIMIT $2`,
    [afterId, limit, recentOrOverdue?.createdSince ?? null, recentOrOverdue?.dueBefore ?? null],
  );
  return rows.map(toTimer);
}

interface TimerDbRow {
  id: string;
  application_id: string;
  kind: TimerKind;
  level: string;
  due_at: Date;
}

const toTimer = (r: TimerDbRow): TimerRow => ({
  id: r.id,
  applicationId: r.application_id,
  kind: r.kind,
  level: r.level,
  dueAt: r.due_at,
});

/**
 * The application's pending review deadline due by `at`. Its pending timers
 * are found by the application first (`OFFSET 0` keeps the planner from
 * merging the two): on a table whose statistics are stale, a plan that knows
 * neither value (a transition's generic plan) walked every pending timer due
 * by then and kept the application's, the most in a backlog, when this is read.
 */
export function dueDeadlineTimerRead(applicationId: string, at: Date): Statement {
  return {
    sql: `SELECT id FROM (SELECT id, due_at FROM timers
                           WHERE application_id = $1 AND kind = 'review_deadline'
                             AND fired_at IS NULL AND cancelled_at IS NULL
                          OFFSET 0) AS pending
           WHERE due_at <= $2 ORDER BY due_at LIMIT 1`,
    params: [applicationId, at],
  };
}
