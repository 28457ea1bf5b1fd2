/**
 * The stable codes of the audit trail: clients filter on them
 * (`GET /api/admin/audit?action=`), so a code is added, never renamed.
 */
export const AUDIT_ACTIONS = [
  'auth.login.succeeded',
  'auth.login.failed',
  /** A 401, 403 or 429 answer (a failed login is recorded as auth.login.failed instead). */
  'access.denied',
  /** A change of an application's state, written in the transition's own transaction. */
  'application.transition',
  'admin.user.created',
  'admin.user.updated',
  'admin.region.created',
  'admin.campaign.created',
  'admin.working_days.changed',
  'admin.clock.advanced',
  /** An alert taken in hand by a reviewer or administrator it was raised to. */
  'alert.acknowledged',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['succeeded', 'failed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
