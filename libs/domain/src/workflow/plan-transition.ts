import {
  allowedLevels,
  LEVEL_LABELS,
  nextLevel,
  phaseOf,
  REVIEW_LEVELS,
  STATUS_LABELS,
  statusAt,
  type ReviewLevel,
} from './statuses';
import {
  ACTORS,
  DECISION_COMMANDS,
  GUARDS,
  TRANSITIONS,
  type ActorSpec,
  type MoveRule,
  type Target,
  type TransitionRule,
} from './transition-table';
import {
  REVIEWER_LEVEL_OF,
  WorkflowStateError,
  type Actor,
  type ActorRole,
  type CommandType,
  type Effect,
  type EffectType,
  type StatusAtLevel,
  type TransitionPlan,
  type TransitionRefusal,
  type TransitionResult,
  type WorkflowCommand,
  type WorkflowRefusalCode,
  type WorkflowState,
} from './workflow-types';

export const ROLE_LABELS: Record<ActorRole, string> = {
  applicant: '申请人',
  community_reviewer: '社区审核人员',
  town_reviewer: '镇（街道）审核人员',
  bureau_reviewer: '县房管局审核人员',
  admin: '系统管理员',
  system: '系统',
};

export const COMMAND_LABELS: Record<CommandType, string> = {
  submit: '提交申请',
  withdraw: '撤回申请',
  approve: '审核通过',
  reject: '审核不通过',
  return: '退回补充材料',
  notice_end: '结束公示',
  resolve_objection: '处理异议',
  review_deadline: '处理审核期限届满',
  revoke: '撤销资格',
  record_change: '登记情况变更',
};

const refuse = (code: WorkflowRefusalCode, message: string): TransitionRefusal => ({
  ok: false,
  code,
  message,
});

const mayFire = (spec: ActorSpec, role: ActorRole): boolean =>
  (ACTORS[spec].roles as readonly ActorRole[]).includes(role);

/** The level the actor acts at: a reviewer's own level, or the level a timer was set for. */
function actorLevel(actor: Actor, command: WorkflowCommand): ReviewLevel | null {
  if (command.type === 'notice_end' || command.type === 'review_deadline') return command.level;
  return actor.role in REVIEWER_LEVEL_OF
    ? REVIEWER_LEVEL_OF[actor.role as keyof typeof REVIEWER_LEVEL_OF]
    : null;
}

function assertConsistent(state: WorkflowState): void {
  if (!allowedLevels(state.status).includes(state.level)) {
    throw new WorkflowStateError(`status ${state.status} at level ${String(state.level)}`);
  }
  if (!Number.isSafeInteger(state.unresolvedObjections) || state.unresolvedObjections < 0) {
    throw new WorkflowStateError(`unresolvedObjections ${state.unresolvedObjections}`);
  }
}

function targetOf(target: Target, from: StatusAtLevel): StatusAtLevel {
  if (target === 'stay') return from;
  const level = {
    first: REVIEW_LEVELS[0],
    same: from.level,
    next: from.level === null ? null : nextLevel(from.level),
    none: null,
  }[target.level];
  return { status: statusAt(target.phase, level), level };
}

function effectOf(type: EffectType, from: StatusAtLevel, to: StatusAtLevel): Effect {
  const level = type === 'start_review_deadline' ? to.level : from.level;
  switch (type) {
    case 'claim_memberships':
    case 'release_memberships':
    case 'assign_archive_number':
    case 'snapshot_campaign':
      return { type };
    default:
      if (level === null) throw new WorkflowStateError(`${type} without a level`);
      return type === 'raise_alert'
        ? { type, level, to: nextLevel(level) ?? 'admin' }
        : { type, level };
  }
}

function plan(rule: MoveRule, state: WorkflowState): TransitionPlan {
  const from = { status: state.status, level: state.level };
  const to = targetOf(rule.to, from);
  const moved = to.status !== from.status || to.level !== from.level;
  return {
    ok: true,
    kind: moved ? 'moved' : rule.waiting ? 'waiting' : 'stayed',
    from,
    to,
    effects: rule.effects.map((type) => effectOf(type, from, to)),
    historyType: rule.history,
  };
}

function refusalWithoutRule(
  state: WorkflowState,
  command: WorkflowCommand,
  actor: Actor,
  rules: readonly TransitionRule[],
): TransitionRefusal {
  const what = COMMAND_LABELS[command.type];
  if (rules.length === 0)
    return refuse('FORBIDDEN_FOR_ROLE', `${ROLE_LABELS[actor.role]}不能${what}`);
  const mine = actorLevel(actor, command);
  if (rules.some((r) => ACTORS[r.by].sameLevel) && state.level !== null && mine !== state.level) {
    return refuse(
      'WRONG_LEVEL',
      `该申请当前在${LEVEL_LABELS[state.level]}层级，${mine === null ? '' : LEVEL_LABELS[mine]}不能${what}`,
    );
  }
  const status = STATUS_LABELS[state.status];
  if (DECISION_COMMANDS.includes(command.type) && state.level !== null && mine === state.level) {
    return refuse('ALREADY_DECIDED', `${LEVEL_LABELS[mine]}已对该申请作出决定（${status}）`);
  }
  return refuse('INVALID_STATE', `申请当前状态为“${status}”，不能${what}`);
}

/**
 * The one entry point: what `command` by `actor` does to an application in
 * `state`, read off TRANSITIONS. Checks, in order: the role may fire the
 * command at all (403), the actor is at the application's level, a rule exists
 * for the current status, then the rules' guards in table order.
 * Throws WorkflowStateError when `state` itself is impossible.
 */
export function planTransition(
  state: WorkflowState,
  command: WorkflowCommand,
  actor: Actor,
): TransitionResult {
  assertConsistent(state);
  const byRole = TRANSITIONS.filter((r) => r.command === command.type && mayFire(r.by, actor.role));
  const phase = phaseOf(state.status);
  const mine = actorLevel(actor, command);
  const applicable = byRole.filter(
    (r) =>
      r.from.includes(phase) &&
      (r.at === undefined || (state.level !== null && r.at.includes(state.level))) &&
      (!ACTORS[r.by].sameLevel || mine === state.level),
  );
  if (applicable.length === 0) return refusalWithoutRule(state, command, actor, byRole);
  const rule = applicable.find((r) => r.when === undefined || GUARDS[r.when](state, command));
  if (rule === undefined) throw new Error(`no rule for ${command.type} in ${state.status}`);
  return 'refuse' in rule ? refuse(rule.refuse, rule.message) : plan(rule, state);
}
