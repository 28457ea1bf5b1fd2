import type { ApplicationStatus, ReviewLevel } from './statuses';

export const ACTOR_ROLES = [
  'applicant',
  'community_reviewer',
  'town_reviewer',
  'bureau_reviewer',
  'admin',
  'system',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];
export type ReviewerRole = 'community_reviewer' | 'town_reviewer' | 'bureau_reviewer';

export interface Actor {
  readonly role: ActorRole;
}

export const REVIEWER_LEVEL_OF: Record<ReviewerRole, ReviewLevel> = {
  community_reviewer: 'community',
  town_reviewer: 'town',
  bureau_reviewer: 'bureau',
};

/** What the persistence layer knows about one application when a command arrives. */
export interface WorkflowState {
  readonly status: ApplicationStatus;
  readonly level: ReviewLevel | null;
  /** Objections on the current notice not yet resolved (0 outside a notice). */
  readonly unresolvedObjections: number;
  /** The current notice's period is over (it ended with objections pending). */
  readonly noticeEnded: boolean;
}

/**
 * Timers carry the level they were scheduled for, so a late timer of another
 * level is refused (WRONG_LEVEL) rather than moving the application on.
 */
export type WorkflowCommand =
  | { readonly type: 'submit' }
  | { readonly type: 'withdraw' }
  | { readonly type: 'approve' }
  | { readonly type: 'reject' }
  | { readonly type: 'return' }
  | { readonly type: 'notice_end'; readonly level: ReviewLevel }
  | { readonly type: 'resolve_objection'; readonly upheld: boolean }
  | { readonly type: 'review_deadline'; readonly level: ReviewLevel }
  | { readonly type: 'revoke' }
  | { readonly type: 'record_change' };
export type CommandType = WorkflowCommand['type'];

export const COMMAND_TYPES = [
  'submit',
  'withdraw',
  'approve',
  'reject',
  'return',
  'notice_end',
  'resolve_objection',
  'review_deadline',
  'revoke',
  'record_change',
] as const satisfies readonly CommandType[];

/**
 * What the persistence layer does, in this order, in the transaction that
 * changes the status (queue operations after it commits). Each is idempotent.
 */
export type Effect =
  /** Compute the level's due time from receipt (working days), store it, schedule the timer; clears `overdue`. */
  | { readonly type: 'start_review_deadline'; readonly level: ReviewLevel }
  | { readonly type: 'cancel_review_deadline'; readonly level: ReviewLevel }
  /** Put the application on the level's public board (a notice with its own serial). */
  | { readonly type: 'post_notice'; readonly level: ReviewLevel }
  /** Compute the notice's end (calendar days, next working day), store it, schedule the timer. */
  | { readonly type: 'schedule_notice_end'; readonly level: ReviewLevel }
  /** Take the notice off the board and drop its end timer if it has not fired; open objections become moot. */
  | { readonly type: 'close_notice'; readonly level: ReviewLevel }
  /** The notice's period is over but objections are pending: no more objections, wait for resolutions. */
  | { readonly type: 'mark_notice_waiting'; readonly level: ReviewLevel }
  /** The members' ID numbers become (or stay) taken in the campaign, for the current declaration. */
  | { readonly type: 'claim_memberships' }
  | { readonly type: 'release_memberships' }
  | { readonly type: 'flag_overdue'; readonly level: ReviewLevel }
  /** Tell the level above (the administrators above the bureau) that `level` is overdue. */
  | {
      readonly type: 'raise_alert';
      readonly level: ReviewLevel;
      readonly to: ReviewLevel | 'admin';
    }
  | { readonly type: 'assign_archive_number' }
  /** Freeze the campaign's rules and the assessment as they were on approval. */
  | { readonly type: 'snapshot_campaign' };
export type EffectType = Effect['type'];

/** The `type` of the history entry the transition records (one per accepted command). */
export type HistoryEntryType =
  | 'submit'
  | 'resubmit'
  | 'withdraw'
  | 'approve'
  | 'reject'
  | 'return'
  | 'notice_end'
  | 'notice_waiting'
  | 'objection_upheld'
  | 'objection_dismissed'
  | 'review_overdue'
  | 'revoke'
  | 'record_change';

export interface StatusAtLevel {
  readonly status: ApplicationStatus;
  readonly level: ReviewLevel | null;
}

/**
 * - `moved`: the status or level changes;
 * - `stayed`: recorded, nothing moves (a dismissed objection during the notice,
 *   an overdue flag, a recorded change);
 * - `waiting`: the notice is over but objections are pending: the application
 *   goes on when the last one is dismissed.
 */
export type TransitionKind = 'moved' | 'stayed' | 'waiting';

export interface TransitionPlan {
  readonly ok: true;
  readonly kind: TransitionKind;
  readonly from: StatusAtLevel;
  readonly to: StatusAtLevel;
  readonly effects: readonly Effect[];
  readonly historyType: HistoryEntryType;
}

export const WORKFLOW_REFUSAL_CODES = [
  'FORBIDDEN_FOR_ROLE',
  'WRONG_LEVEL',
  'ALREADY_DECIDED',
  'INVALID_STATE',
  'NO_UNRESOLVED_OBJECTION',
] as const;
export type WorkflowRefusalCode = (typeof WORKFLOW_REFUSAL_CODES)[number];

/**
 * HTTP status of each refusal (api.md "Errors"):
 * - FORBIDDEN_FOR_ROLE 403: this role may never fire this command (an applicant
 *   approving, a town reviewer revoking, an administrator deciding);
 * - WRONG_LEVEL 409: a reviewer (or timer) of another level than the one the
 *   application is at: too early for a higher level, too late for a lower one;
 * - ALREADY_DECIDED 409: a decision at the right level once that level has
 *   decided (approved → notice, returned, rejected, or beyond);
 * - INVALID_STATE 409: the command does not apply in this status;
 * - NO_UNRESOLVED_OBJECTION 409: resolving an objection when none is pending.
 * Jurisdiction (404), ownership, the campaign window, eligibility and
 * materials (422) are checked by the services, not here.
 */
export const WORKFLOW_REFUSAL_HTTP_STATUS: Record<WorkflowRefusalCode, 403 | 409> = {
  FORBIDDEN_FOR_ROLE: 403,
  WRONG_LEVEL: 409,
  ALREADY_DECIDED: 409,
  INVALID_STATE: 409,
  NO_UNRESOLVED_OBJECTION: 409,
};

export interface TransitionRefusal {
  readonly ok: false;
  readonly code: WorkflowRefusalCode;
  /** Chinese, for the caller. */
  readonly message: string;
}

export type TransitionResult = TransitionPlan | TransitionRefusal;

/** The state read from the database breaks the workflow's invariants: a bug, not a refusal. */
export class WorkflowStateError extends Error {
  readonly code = 'INCONSISTENT_WORKFLOW_STATE';

  constructor(detail: string) {
    super(`inconsistent workflow state: ${detail}`);
    this.name = 'WorkflowStateError';
  }
}
