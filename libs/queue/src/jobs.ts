/**
 * Every queue and job name of the service, with the payload each job carries.
 * One list: the worker refuses to start if a name here has no handler, or two.
 */
export const QUEUES = {
  /** State transitions of applications, commands and timers alike, applied one at a time per job. */
  transitions: 'transitions',
  /** Register exports too large to stream at once: written to a file, downloaded when done. */
  exports: 'exports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Who asked, as the worker needs it to check and record the transition. */
export interface JobActor {
  userId: string;
  role: string;
  name: string;
  regionPath: string | null;
  /**
   * When they asked, on the service's clock (ISO 8601): a job applied late (a
   * backlog, a restart) is still judged on time by it against the level's
   * deadline. Absent from jobs queued before it was added: then the apply's time.
   */
  askedAt?: string;
}

export interface CorrectionsPayload {
  members?: { idNumber: string; annualIncome?: number }[];
  properties?: { id: string; area?: number }[];
}

export interface TransitionJobs {
  submit: { applicationId: string; actor: JobActor };
  withdraw: { applicationId: string; actor: JobActor };
  decide: {
    applicationId: string;
    actor: JobActor;
    decision: 'approve' | 'reject' | 'return';
    opinion: string;
    signature: string;
    corrections?: CorrectionsPayload;
  };
  resolveObjection: {
    applicationId: string;
    objectionId: string;
    actor: JobActor;
    upheld: boolean;
    opinion: string;
    signature: string;
  };
  revoke: { applicationId: string; actor: JobActor; opinion: string; signature: string };
  recordChange: { applicationId: string; actor: JobActor; opinion: string; signature: string };
  /** Timers: fired by a delayed job or by the manual clock; `timerId` is the row in `timers`. */
  noticeEnd: { applicationId: string; timerId: string };
  reviewDeadline: { applicationId: string; timerId: string };
}
export type TransitionJobName = keyof TransitionJobs;

export const TRANSITION_JOB_NAMES = [
  'submit',
  'withdraw',
  'decide',
  'resolveObjection',
  'revoke',
  'recordChange',
  'noticeEnd',
  'reviewDeadline',
] as const satisfies readonly TransitionJobName[];

/** What a transition answers: the HTTP answer of the caller waiting on it, recorded in `command_results`. */
export interface JobOutcome {
  statusCode: number;
  body: unknown;
}

/**
 * What a transition job hands back to BullMQ: the status only. Redis keeps a
 * finished job's return value (KEEP_COMPLETED) and passes it through the
 * queue's event stream; the answer's body (the application, with names, ID
 * numbers and incomes) stays in PostgreSQL, where the waiting API reads it.
 */
export interface JobReceipt {
  statusCode: number;
}

export function receiptOf(outcome: JobOutcome): JobReceipt {
  return { statusCode: outcome.statusCode };
}

/** A transient failure (database restarting, Redis hiccup) is retried with back-off; a rule violation is not. */
export const TRANSITION_ATTEMPTS = 8;
export const TRANSITION_BACKOFF = { type: 'exponential', delay: 250 } as const;
/** How long an HTTP request waits for its transition before answering 503 (the job still runs). */
export const TRANSITION_WAIT_MS = 15_000;
/**
 * How long Redis keeps a finished job: an hour. Its data is what the command
 * carried (a reviewer's corrections with ID numbers and incomes, the actor's
 * name), and the outcome a replay answers is in PostgreSQL, so the job is
 * needed only until its waiter has heard of it (BullMQ answers a waiter that
 * comes after the job is gone with a failure). It was 24 h.
 */
export const KEEP_COMPLETED = { age: 3600, count: 100_000 } as const;
export const KEEP_FAILED = { age: 7 * 24 * 3600 } as const;
/** How often each worker rebuilds missing timer jobs from PostgreSQL. */
export const TIMER_RECONCILE_INTERVAL_MS = 60_000;

/** The exports queue's one job: the row in `register_exports` holds what to export and its state. */
export interface ExportJobs {
  register: { exportId: string };
}
/** An export that failed (database gone, disk full) is retried from the start, a few times. */
export const EXPORT_ATTEMPTS = 3;
export const EXPORT_BACKOFF = { type: 'exponential', delay: 5_000 } as const;
