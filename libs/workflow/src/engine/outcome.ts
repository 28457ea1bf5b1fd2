import { DataSource, EntityManager } from 'typeorm';
import { Statement } from '@app/database';
import { errorBody, ErrorDetail } from '@app/http';
import type { JobOutcome } from '@app/queue';

/** A refusal, in the contract's error shape: the waiting HTTP request answers exactly this. */
export function refusal(
  status: number,
  code: string,
  message: string,
  details: ErrorDetail[] = [],
): JobOutcome {
  return { statusCode: status, body: errorBody(status, code, message, details) };
}

/** Thrown inside the transaction to roll it back and answer with a refusal. */
export class TransitionRefused extends Error {
  constructor(readonly outcome: JobOutcome) {
    super(`refused with ${outcome.statusCode}`);
  }
}

/**
 * Records a job's outcome in the same transaction as its effects: a job run
 * twice (a crash before BullMQ heard of its completion) finds it and does nothing more.
 */
export async function recordOutcome(
  tx: Pick<EntityManager, 'query'>,
  jobId: string,
  applicationId: string | null,
  outcome: JobOutcome,
  replacesRefusal = false,
): Promise<void> {
  const { sql, params } = outcomeStatement(jobId, applicationId, outcome, replacesRefusal);
  await tx.query(sql, params);
}

/**
 * The INSERT of `recordOutcome`. Its `RETURNING` row is missing when the job
 * already has an outcome: inside a transition, that means a concurrent
 * delivery of the same job committed first (see TransitionEngine).
 *
 * `replacesRefusal` (a timer's job): a refusal recorded earlier is not final
 * and gives way to this outcome; an outcome that applied the timer still is.
 */
export function outcomeStatement(
  jobId: string,
  applicationId: string | null,
  outcome: JobOutcome,
  replacesRefusal = false,
): Statement {
  const onConflict = replacesRefusal
    ? `DO UPDATE SET status_code = EXCLUDED.status_code, body = EXCLUDED.body, created_at = now()
          WHERE command_results.status_code >= 400`
    : 'DO NOTHING';
  return {
    sql: `INSERT INTO command_results (job_id, application_id, status_code, body) VALUES ($1, $2, $3, $4)
          ON CONFLICT (job_id) ${onConflict} RETURNING job_id`,
    params: [jobId, applicationId, outcome.statusCode, JSON.stringify(outcome.body)],
  };
}

/**
 * A refusal recorded for a timer's job does not settle it: the timer is still
 * pending (the refusal rolled its firing back), and what refused it (a year
 * the official calendar did not hold yet) may since have been put right. The
 * job is tried again (the periodic reconcile, the next move of the manual
 * clock) and its outcome then replaces the refusal.
 */
export function settles(statusCode: number, isTimerJob: boolean): boolean {
  return !isTimerJob || statusCode < 400;
}

/** The outcome recorded for a job, or null when it has not been applied. */
export async function readOutcome(
  db: DataSource | EntityManager,
  jobId: string,
): Promise<JobOutcome | null> {
  const rows: { status_code: number; body: unknown }[] = await db.query(
    `SELECT status_code, body FROM command_results WHERE job_id = $1`,
    [jobId],
  );
  return rows[0] ? { statusCode: rows[0].status_code, body: rows[0].body } : null;
}
