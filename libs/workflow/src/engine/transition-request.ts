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
