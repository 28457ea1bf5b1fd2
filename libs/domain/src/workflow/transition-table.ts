import type { Phase, ReviewLevel } from './statuses';
import type {
  ActorRole,
  CommandType,
  EffectType,
  HistoryEntryType,
  WorkflowCommand,
  WorkflowRefusalCode,
  WorkflowState,
} from './workflow-types';

/** Where a rule sends the application: a phase at a level relative to the current one. */
export type Target =
  'stay' | { readonly phase: Phase; readonly level: 'first' | 'same' | 'next' | 'none' };

export const GUARDS = {
  noticeEnded: (s: WorkflowState) => s.noticeEnded,
  objectionsPending: (s: WorkflowState) => s.unresolvedObjections > 0,
  noObjectionPending: (s: WorkflowState) => s.unresolvedObjections === 0,
  upheld: (_s: WorkflowState, c: WorkflowCommand) => c.type === 'resolve_objection' && c.upheld,
  lastObjectionAfterEnd: (s: WorkflowState) => s.noticeEnded && s.unresolvedObjections === 1,
} satisfies Record<string, (state: WorkflowState, command: WorkflowCommand) => boolean>;
export type GuardName = keyof typeof GUARDS;

/**
 * Who may fire a rule: the roles, and whether their level (a reviewer's own, a
 * timer's) must be the level the application is at.
 */
export const ACTORS = {
  applicant: { roles: ['applicant'], sameLevel: false },
  reviewer: { roles: ['community_reviewer', 'town_reviewer', 'bureau_reviewer'], sameLevel: true },
  bureau: { roles: ['bureau_reviewer'], sameLevel: false },
  timer: { roles: ['system'], sameLevel: true },
} as const satisfies Record<string, { roles: readonly ActorRole[]; sameLevel: boolean }>;
export type ActorSpec = keyof typeof ACTORS;

interface RuleBase {
  readonly command: CommandType;
  readonly from: readonly Phase[];
  /** Only at these levels (default: any). */
  readonly at?: readonly ReviewLevel[];
  readonly by: ActorSpec;
  /** Rules of a command are tried in order; the first whose guard holds applies. */
  readonly when?: GuardName;
}
export interface MoveRule extends RuleBase {
  readonly to: Target;
  readonly waiting?: true;
  readonly effects: readonly EffectType[];
  readonly history: HistoryEntryType;
}
export interface RefuseRule extends RuleBase {
  readonly refuse: WorkflowRefusalCode;
  readonly message: string;
}
export type TransitionRule = MoveRule | RefuseRule;

const BELOW_BUREAU = ['community', 'town'] as const;
const AT_BUREAU = ['bureau'] as const;

const REVIEW_FIRST = { phase: 'review', level: 'first' } as const;
const REVIEW_SAME = { phase: 'review', level: 'same' } as const;
const REVIEW_NEXT = { phase: 'review', level: 'next' } as const;
const NOTICE = { phase: 'notice', level: 'same' } as const;
const RETURNED = { phase: 'returned', level: 'same' } as const;
const REJECTED = { phase: 'rejected', level: 'same' } as const;
const APPROVED = { phase: 'approved', level: 'same' } as const;
const WITHDRAWN = { phase: 'withdrawn', level: 'none' } as const;
const REVOKED = { phase: 'revoked', level: 'same' } as const;

const FORWARD: readonly EffectType[] = ['close_notice', 'start_review_deadline'];
const REGISTER: readonly EffectType[] = [
  'close_notice',
  'assign_archive_number',
  'snapshot_campaign',
];

/**
 * The review flow (domain.md "The review flow"). Effects are listed without
 * their levels: `start_review_deadline` is for the target level, every other
 * level-bearing effect for the level the application is at.
 */
// prettier-ignore
export const TRANSITIONS: readonly TransitionRule[] = [
  { command: 'submit', by: 'applicant', from: ['draft'], to: REVIEW_FIRST, history: 'submit',
    effects: ['claim_memberships', 'start_review_deadline'] },
  { command: 'submit', by: 'applicant', from: ['returned'], to: REVIEW_SAME, history: 'resubmit',
    effects: ['claim_memberships', 'start_review_deadline'] },

  { command: 'withdraw', by: 'applicant', from: ['review'], to: WITHDRAWN, history: 'withdraw',
    effects: ['cancel_review_deadline', 'release_memberships'] },
  { command: 'withdraw', by: 'applicant', from: ['notice'], to: WITHDRAWN, history: 'withdraw',
    effects: ['close_notice', 'release_memberships'] },
  { command: 'withdraw', by: 'applicant', from: ['returned', 'approved'], to: WITHDRAWN, history: 'withdraw',
    effects: ['release_memberships'] },

  { command: 'approve', by: 'reviewer', from: ['review'], to: NOTICE, history: 'approve',
    effects: ['cancel_review_deadline', 'post_notice', 'schedule_notice_end'] },
  { command: 'reject', by: 'reviewer', from: ['review'], to: REJECTED, history: 'reject',
    effects: ['cancel_review_deadline', 'release_memberships'] },
  { command: 'return', by: 'reviewer', from: ['review'], to: RETURNED, history: 'return',
    effects: ['cancel_review_deadline'] },

  { command: 'notice_end', by: 'timer', from: ['notice'], when: 'noticeEnded',
    refuse: 'INVALID_STATE', message: '公示期已经结束，正在等待异议处理' },
  { command: 'notice_end', by: 'timer', from: ['notice'], when: 'objectionsPending', to: 'stay', waiting: true,
    history: 'notice_waiting', effects: ['mark_notice_waiting'] },
  { command: 'notice_end', by: 'timer', from: ['notice'], at: BELOW_BUREAU, to: REVIEW_NEXT, history: 'notice_end',
    effects: FORWARD },
  { command: 'notice_end', by: 'timer', from: ['notice'], at: AT_BUREAU, to: APPROVED, history: 'notice_end',
    effects: REGISTER },

  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], when: 'noObjectionPending',
    refuse: 'NO_UNRESOLVED_OBJECTION', message: '该公示没有待处理的异议' },
  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], when: 'upheld', to: REJECTED,
    history: 'objection_upheld', effects: ['close_notice', 'release_memberships'] },
  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], when: 'lastObjectionAfterEnd', at: BELOW_BUREAU,
    to: REVIEW_NEXT, history: 'objection_dismissed', effects: FORWARD },
  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], when: 'lastObjectionAfterEnd', at: AT_BUREAU,
    to: APPROVED, history: 'objection_dismissed', effects: REGISTER },
  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], when: 'noticeEnded', to: 'stay', waiting: true,
    history: 'objection_dismissed', effects: [] },
  { command: 'resolve_objection', by: 'reviewer', from: ['notice'], to: 'stay',
    history: 'objection_dismissed', effects: [] },

  { command: 'review_deadline', by: 'timer', from: ['review'], to: 'stay', history: 'review_overdue',
    effects: ['flag_overdue', 'raise_alert'] },

  { command: 'revoke', by: 'bureau', from: ['approved'], to: REVOKED, history: 'revoke',
    effects: ['release_memberships'] },
  { command: 'record_change', by: 'bureau', from: ['approved'], to: 'stay', history: 'record_change',
    effects: [] },
];

/** Decisions answer ALREADY_DECIDED, rather than INVALID_STATE, once their level has decided. */
export const DECISION_COMMANDS: readonly CommandType[] = ['approve', 'reject', 'return'];
