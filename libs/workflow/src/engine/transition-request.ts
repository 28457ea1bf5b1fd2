import type { WorkflowCommand } from '@app/domain';
import type { CorrectionsPayload, JobActor } from '@app/queue';

/** One command for one application, as the worker receives it from a job. */
export interface TransitionRequest {
  /** The BullMQ job id: the key of the recorded outcome, so a redelivery answers the same. */
  jobId: string;
  applicationId: string;
  /** Absent for a timer: the command follows from the timer row (`timerId`). */
  command?: WorkflowCommand;
  /** null for the system (timers). */
  actor: JobActor | null;
  opinion?: string;
  signature?: string;
  corrections?: CorrectionsPayload;
  timerId?: string;
  objectionId?: string;
  /**
   * Set by the engine on a command it applies again once the level's deadline,
   * found passed but unflagged, has been applied first (see TransitionEngine.afterDeadline).
   */
  deadlineSettled?: boolean;
}

/**
 * When the command was asked for (JobActor.askedAt), never later than `now`:
 * the API's clock may run ahead of this worker's (another machine, a manual
 * clock move this process has not heard of yet), and a deadline is not passed
 * before this worker's clock says so. `now` for a timer, an older job without
 * it, or a value that does not parse.
 */
export function askedTime(req: TransitionRequest, now: Date): Date {
  const asked = req.actor?.askedAt ? Date.parse(req.actor.askedAt) : Number.NaN;
  return Number.isNaN(asked) || asked > now.getTime() ? now : new Date(asked);
}
