import {
  ACTOR_ROLES,
  planTransition,
  WORKFLOW_REFUSAL_CODES,
  WORKFLOW_REFUSAL_HTTP_STATUS,
  WorkflowStateError,
  type ActorRole,
  type ApplicationStatus,
  type Effect,
  type ReviewLevel,
  type TransitionPlan,
  type TransitionResult,
  type WorkflowCommand,
  type WorkflowState,
} from '.';

const state = (
  status: ApplicationStatus,
  level: ReviewLevel | null,
  more: Partial<WorkflowState> = {},
): WorkflowState => ({ status, level, unresolvedObjections: 0, noticeEnded: false, ...more });

const by = (role: ActorRole) => ({ role });

function planned(result: TransitionResult): TransitionPlan {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.message}`);
  return result;
}

/** Runs commands one after another, as the persistence layer would, keeping objection counts. */
function run(
  start: WorkflowState,
  steps: readonly [WorkflowCommand, ActorRole, Partial<WorkflowState>?][],
): TransitionPlan[] {
  let current = start;
  return steps.map(([command, role, patch]) => {
    const plan = planned(planTransition({ ...current, ...patch }, command, by(role)));
    const sameNotice = plan.to.status === plan.from.status;
    current = {
      ...plan.to,
      unresolvedObjections: sameNotice ? { ...current, ...patch }.unresolvedObjections : 0,
      noticeEnded: sameNotice ? plan.kind === 'waiting' : false,
    };
    if (command.type === 'resolve_objection' && sameNotice) {
      current = { ...current, unresolvedObjections: current.unresolvedObjections - 1 };
    }
    return plan;
  });
}

// ---------------------------------------------------------------------------
// The whole matrix: every command × every status × every role, against an
// expectation written here by hand from domain.md, not read from TRANSITIONS.
// ---------------------------------------------------------------------------

type MatrixCommand =
  | 'submit'
  | 'withdraw'
  | 'approve'
  | 'reject'
  | 'return'
  | 'notice_end'
  | 'uphold_objection'
  | 'dismiss_objection'
  | 'review_deadline'
  | 'revoke'
  | 'record_change';

const MATRIX_COMMANDS: readonly MatrixCommand[] = [
  'submit',
  'withdraw',
  'approve',
  'reject',
  'return',
  'notice_end',
  'uphold_objection',
  'dismiss_objection',
  'review_deadline',
  'revoke',
  'record_change',
];

/** Timers are for the level the application is at (other levels: see "wrong level"). */
function commandOf(name: MatrixCommand, level: ReviewLevel | null): WorkflowCommand {
  const timerLevel = level ?? 'community';
  switch (name) {
    case 'notice_end':
    case 'review_deadline':
      return { type: name, level: timerLevel };
    case 'uphold_objection':
      return { type: 'resolve_objection', upheld: true };
    case 'dismiss_objection':
      return { type: 'resolve_objection', upheld: false };
    default:
      return { type: name };
  }
}

/** Every consistent (status, level): returned and rejected keep the level that decided. */
const STATES: readonly string[] = [
  'draft',
  'community_review@community',
  'community_notice@community',
  'town_review@town',
  'town_notice@town',
  'bureau_review@bureau',
  'bureau_notice@bureau',
  'approved@bureau',
  'rejected@community',
  'rejected@town',
  'rejected@bureau',
  'returned@community',
  'returned@town',
  'returned@bureau',
  'withdrawn',
  'revoked@bureau',
];

function parseKey(key: string): [ApplicationStatus, ReviewLevel | null] {
  const [status, level] = key.split('@');
  return [status as ApplicationStatus, (level ?? null) as ReviewLevel | null];
}

const LIVE = [
  'community_review@community',
  'community_notice@community',
  'town_review@town',
  'town_notice@town',
  'bureau_review@bureau',
  'bureau_notice@bureau',
  'returned@community',
  'returned@town',
  'returned@bureau',
  'approved@bureau',
];
const stays = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, k]));

/** Where each allowed (command, role, state) leads, with one objection pending on notices. */
const ALLOWED: Record<MatrixCommand, Partial<Record<ActorRole, Record<string, string>>>> = {
  submit: {
    applicant: {
      draft: 'community_review@community',
      'returned@community': 'community_review@community',
      'returned@town': 'town_review@town',
      'returned@bureau': 'bureau_review@bureau',
    },
  },
  withdraw: { applicant: Object.fromEntries(LIVE.map((k) => [k, 'withdrawn'])) },
  approve: {
    community_reviewer: { 'community_review@community': 'community_notice@community' },
    town_reviewer: { 'town_review@town': 'town_notice@town' },
    bureau_reviewer: { 'bureau_review@bureau': 'bureau_notice@bureau' },
  },
  reject: {
    community_reviewer: { 'community_review@community': 'rejected@community' },
    town_reviewer: { 'town_review@town': 'rejected@town' },
    bureau_reviewer: { 'bureau_review@bureau': 'rejected@bureau' },
  },
  return: {
    community_reviewer: { 'community_review@community': 'returned@community' },
    town_reviewer: { 'town_review@town': 'returned@town' },
    bureau_reviewer: { 'bureau_review@bureau': 'returned@bureau' },
  },
  // with an objection pending the notice's end waits
  notice_end: {
    system: stays(['community_notice@community', 'town_notice@town', 'bureau_notice@bureau']),
  },
  uphold_objection: {
    community_reviewer: { 'community_notice@community': 'rejected@community' },
    town_reviewer: { 'town_notice@town': 'rejected@town' },
    bureau_reviewer: { 'bureau_notice@bureau': 'rejected@bureau' },
  },
  dismiss_objection: {
    community_reviewer: stays(['community_notice@community']),
    town_reviewer: stays(['town_notice@town']),
    bureau_reviewer: stays(['bureau_notice@bureau']),
  },
  review_deadline: {
    system: stays(['community_review@community', 'town_review@town', 'bureau_review@bureau']),
  },
  revoke: { bureau_reviewer: { 'approved@bureau': 'revoked@bureau' } },
  record_change: { bureau_reviewer: stays(['approved@bureau']) },
};

/** Without objections: the notice's end moves on; there is nothing to resolve. */
const ALLOWED_WITHOUT_OBJECTIONS: Partial<typeof ALLOWED> = {
  notice_end: {
    system: {
      'community_notice@community': 'town_review@town',
      'town_notice@town': 'bureau_review@bureau',
      'bureau_notice@bureau': 'approved@bureau',
    },
  },
};
const OBJECTION_COMMANDS: readonly MatrixCommand[] = ['uphold_objection', 'dismiss_objection'];

const REVIEWER_LEVEL: Partial<Record<ActorRole, ReviewLevel>> = {
  community_reviewer: 'community',
  town_reviewer: 'town',
  bureau_reviewer: 'bureau',
};
const LEVEL_BOUND: readonly MatrixCommand[] = [
  'approve',
  'reject',
  'return',
  'uphold_objection',
  'dismiss_objection',
  'notice_end',
  'review_deadline',
];

function expectedOutcome(
  name: MatrixCommand,
  key: string,
  role: ActorRole,
  objections: number,
): string {
  const table = objections === 0 ? { ...ALLOWED, ...ALLOWED_WITHOUT_OBJECTIONS } : ALLOWED;
  const allowed = table[name][role];
  if (allowed === undefined) return 'FORBIDDEN_FOR_ROLE';
  if (key in allowed) {
    return objections === 0 && OBJECTION_COMMANDS.includes(name)
      ? 'NO_UNRESOLVED_OBJECTION'
      : allowed[key];
  }
  const [, level] = parseKey(key);
  const mine = role === 'system' ? level : (REVIEWER_LEVEL[role] ?? null);
  if (LEVEL_BOUND.includes(name) && level !== null && mine !== level) return 'WRONG_LEVEL';
  if (['approve', 'reject', 'return'].includes(name) && level === mine) return 'ALREADY_DECIDED';
  return 'INVALID_STATE';
}

function actualOutcome(name: MatrixCommand, key: string, role: ActorRole, objections: number) {
  const [status, level] = parseKey(key);
  const unresolvedObjections = status.endsWith('_notice') ? objections : 0;
  const result = planTransition(
    state(status, level, { unresolvedObjections }),
    commandOf(name, level),
    by(role),
  );
  if (!result.ok) return result.code;
  return result.to.level === null ? result.to.status : `${result.to.status}@${result.to.level}`;
}

describe('the transition matrix: allowed exactly where the flow says', () => {
  describe.each([
    ['with one objection pending on notices', 1],
    ['without objections', 0],
  ])('%s', (_title, objections) => {
    const cases = MATRIX_COMMANDS.flatMap((name) =>
      ACTOR_ROLES.map((role) => [name, role] as const),
    );
    it.each(cases)('%s by %s, in every status', (name, role) => {
      const actual = Object.fromEntries(
        STATES.map((key) => [key, actualOutcome(name, key, role, objections)]),
      );
      const expected = Object.fromEntries(
        STATES.map((key) => [key, expectedOutcome(name, key, role, objections)]),
      );
      expect(actual).toEqual(expected);
    });
  });
});

// ---------------------------------------------------------------------------

describe('the happy path through three levels', () => {
  const plans = run(state('draft', null), [
    [{ type: 'submit' }, 'applicant'],
    [{ type: 'approve' }, 'community_reviewer'],
    [{ type: 'notice_end', level: 'community' }, 'system'],
    [{ type: 'approve' }, 'town_reviewer'],
    [{ type: 'notice_end', level: 'town' }, 'system'],
    [{ type: 'approve' }, 'bureau_reviewer'],
    [{ type: 'notice_end', level: 'bureau' }, 'system'],
  ]);

  it('goes draft → community → town → bureau → approved', () => {
    expect(plans.map((p) => [p.to.status, p.to.level, p.kind])).toEqual([
      ['community_review', 'community', 'moved'],
      ['community_notice', 'community', 'moved'],
      ['town_review', 'town', 'moved'],
      ['town_notice', 'town', 'moved'],
      ['bureau_review', 'bureau', 'moved'],
      ['bureau_notice', 'bureau', 'moved'],
      ['approved', 'bureau', 'moved'],
    ]);
  });

  it.each<[string, number, Effect[]]>([
    [
      'submitting claims the members and starts the community deadline',
      0,
      [{ type: 'claim_memberships' }, { type: 'start_review_deadline', level: 'community' }],
    ],
    [
      'approving ends the deadline and posts the notice',
      1,
      [
        { type: 'cancel_review_deadline', level: 'community' },
        { type: 'post_notice', level: 'community' },
        { type: 'schedule_notice_end', level: 'community' },
      ],
    ],
    [
      "the community notice's end forwards to the town with its deadline",
      2,
      [
        { type: 'close_notice', level: 'community' },
        { type: 'start_review_deadline', level: 'town' },
      ],
    ],
    [
      "the bureau notice's end registers the household",
      6,
      [
        { type: 'close_notice', level: 'bureau' },
        { type: 'assign_archive_number' },
        { type: 'snapshot_campaign' },
      ],
    ],
  ])('%s', (_title, step, effects) => {
    expect(plans[step].effects).toEqual(effects);
  });

  it('records one history entry per step', () => {
    expect(plans.map((p) => p.historyType)).toEqual([
      'submit',
      'approve',
      'notice_end',
      'approve',
      'notice_end',
      'approve',
      'notice_end',
    ]);
  });
});

describe('return and resubmit at town level', () => {
  const [returned, resubmitted, approved] = run(state('town_review', 'town'), [
    [{ type: 'return' }, 'town_reviewer'],
    [{ type: 'submit' }, 'applicant'],
    [{ type: 'approve' }, 'town_reviewer'],
  ]);

  it('a returned application keeps the level that returned it', () => {
    expect(returned.to).toEqual({ status: 'returned', level: 'town' });
    expect(returned.effects).toEqual([{ type: 'cancel_review_deadline', level: 'town' }]);
  });

  it('resubmitting goes back to the town, whose deadline starts again', () => {
    expect(resubmitted).toMatchObject({
      kind: 'moved',
      to: { status: 'town_review', level: 'town' },
      historyType: 'resubmit',
    });
    expect(resubmitted.effects).toEqual([
      { type: 'claim_memberships' },
      { type: 'start_review_deadline', level: 'town' },
    ]);
  });

  it('the town then decides again', () => {
    expect(approved.to).toEqual({ status: 'town_notice', level: 'town' });
  });

  it.each<[ActorRole, string]>([
    ['community_reviewer', 'WRONG_LEVEL'],
    ['bureau_reviewer', 'WRONG_LEVEL'],
    ['town_reviewer', 'ALREADY_DECIDED'],
    ['applicant', 'FORBIDDEN_FOR_ROLE'],
  ])('while returned, %s deciding is refused with %s', (role, code) => {
    expect(planTransition(state('returned', 'town'), { type: 'approve' }, by(role))).toMatchObject({
      ok: false,
      code,
    });
  });
});

describe('objections', () => {
  const upheld = { type: 'resolve_objection', upheld: true } as const;
  const dismissed = { type: 'resolve_objection', upheld: false } as const;
  const townNoticeEnd = { type: 'notice_end', level: 'town' } as const;

  it('an objection upheld during the notice rejects at once', () => {
    const plan = planned(
      planTransition(
        state('town_notice', 'town', { unresolvedObjections: 1 }),
        upheld,
        by('town_reviewer'),
      ),
    );
    expect(plan).toMatchObject({
      kind: 'moved',
      to: { status: 'rejected', level: 'town' },
      historyType: 'objection_upheld',
    });
    expect(plan.effects).toEqual([
      { type: 'close_notice', level: 'town' },
      { type: 'release_memberships' },
    ]);
  });

  it('an objection upheld after the notice ended rejects at once', () => {
    const plan = planTransition(
      state('town_notice', 'town', { unresolvedObjections: 2, noticeEnded: true }),
      upheld,
      by('town_reviewer'),
    );
    expect(plan).toMatchObject({ ok: true, to: { status: 'rejected', level: 'town' } });
  });

  it('a dismissed objection during the notice changes nothing; the notice then ends normally', () => {
    const [dismissal, end] = run(state('town_notice', 'town', { unresolvedObjections: 1 }), [
      [dismissed, 'town_reviewer'],
      [townNoticeEnd, 'system'],
    ]);
    expect(dismissal).toMatchObject({ kind: 'stayed', effects: [], to: { status: 'town_notice' } });
    expect(end).toMatchObject({ kind: 'moved', to: { status: 'bureau_review', level: 'bureau' } });
  });

  it('a notice ending with an objection pending waits, and is marked so', () => {
    const plan = planned(
      planTransition(
        state('community_notice', 'community', { unresolvedObjections: 1 }),
        { type: 'notice_end', level: 'community' },
        by('system'),
      ),
    );
    expect(plan).toMatchObject({
      kind: 'waiting',
      to: { status: 'community_notice', level: 'community' },
      historyType: 'notice_waiting',
    });
    expect(plan.effects).toEqual([{ type: 'mark_notice_waiting', level: 'community' }]);
  });

  it('dismissing the last objection after the end goes on exactly as the end would have', () => {
    const after = planned(
      planTransition(
        state('community_notice', 'community', { unresolvedObjections: 1, noticeEnded: true }),
        dismissed,
        by('community_reviewer'),
      ),
    );
    const plainEnd = planned(
      planTransition(
        state('community_notice', 'community'),
        { type: 'notice_end', level: 'community' },
        by('system'),
      ),
    );
    expect(after.historyType).toBe('objection_dismissed');
    expect({ to: after.to, effects: after.effects, kind: after.kind }).toEqual({
      to: plainEnd.to,
      effects: plainEnd.effects,
      kind: plainEnd.kind,
    });
  });

  it('at the bureau, dismissing the last objection after the end approves and registers', () => {
    const plan = planned(
      planTransition(
        state('bureau_notice', 'bureau', { unresolvedObjections: 1, noticeEnded: true }),
        dismissed,
        by('bureau_reviewer'),
      ),
    );
    expect(plan.to).toEqual({ status: 'approved', level: 'bureau' });
    expect(plan.effects.map((e) => e.type)).toEqual([
      'close_notice',
      'assign_archive_number',
      'snapshot_campaign',
    ]);
  });

  it('with two objections, the application goes on only when both are dismissed', () => {
    const plans = run(state('town_notice', 'town', { unresolvedObjections: 2 }), [
      [townNoticeEnd, 'system'],
      [dismissed, 'town_reviewer'],
      [dismissed, 'town_reviewer'],
    ]);
    expect(plans.map((p) => [p.kind, p.to.status])).toEqual([
      ['waiting', 'town_notice'],
      ['waiting', 'town_notice'],
      ['moved', 'bureau_review'],
    ]);
    expect(plans[1].effects).toEqual([]);
  });

  it('with two objections, upholding the second after dismissing the first rejects', () => {
    const plans = run(state('town_notice', 'town', { unresolvedObjections: 2 }), [
      [townNoticeEnd, 'system'],
      [dismissed, 'town_reviewer'],
      [upheld, 'town_reviewer'],
    ]);
    expect(plans.map((p) => p.to.status)).toEqual(['town_notice', 'town_notice', 'rejected']);
  });

  it('a second end of the same notice is refused (the timer fired twice)', () => {
    const result = planTransition(
      state('town_notice', 'town', { unresolvedObjections: 1, noticeEnded: true }),
      townNoticeEnd,
      by('system'),
    );
    expect(result).toMatchObject({ ok: false, code: 'INVALID_STATE' });
  });

  it('resolving when nothing is pending is refused', () => {
    const result = planTransition(state('town_notice', 'town'), dismissed, by('town_reviewer'));
    expect(result).toMatchObject({ ok: false, code: 'NO_UNRESOLVED_OBJECTION' });
  });

  it.each<[ActorRole, string]>([
    ['community_reviewer', 'WRONG_LEVEL'],
    ['bureau_reviewer', 'WRONG_LEVEL'],
    ['applicant', 'FORBIDDEN_FOR_ROLE'],
    ['admin', 'FORBIDDEN_FOR_ROLE'],
  ])("a town notice's objection resolved by %s is refused with %s", (role, code) => {
    const result = planTransition(
      state('town_notice', 'town', { unresolvedObjections: 1 }),
      upheld,
      by(role),
    );
    expect(result).toMatchObject({ ok: false, code });
  });
});

describe('a decision at the wrong level is refused', () => {
  it.each<[string, WorkflowState, WorkflowCommand, ActorRole, string]>([
    [
      'the town before the community has finished',
      state('community_review', 'community'),
      { type: 'approve' },
      'town_reviewer',
      'WRONG_LEVEL',
    ],
    [
      'the bureau before the community has finished',
      state('community_review', 'community'),
      { type: 'reject' },
      'bureau_reviewer',
      'WRONG_LEVEL',
    ],
    [
      'the bureau during the town notice',
      state('town_notice', 'town'),
      { type: 'approve' },
      'bureau_reviewer',
      'WRONG_LEVEL',
    ],
    [
      'the community after it has forwarded',
      state('town_review', 'town'),
      { type: 'return' },
      'community_reviewer',
      'WRONG_LEVEL',
    ],
    [
      'the community during its own notice',
      state('community_notice', 'community'),
      { type: 'approve' },
      'community_reviewer',
      'ALREADY_DECIDED',
    ],
    [
      'the town after rejecting',
      state('rejected', 'town'),
      { type: 'approve' },
      'town_reviewer',
      'ALREADY_DECIDED',
    ],
    [
      'the bureau on an approved household',
      state('approved', 'bureau'),
      { type: 'reject' },
      'bureau_reviewer',
      'ALREADY_DECIDED',
    ],
    [
      'a community notice timer firing at the town notice',
      state('town_notice', 'town'),
      { type: 'notice_end', level: 'community' },
      'system',
      'WRONG_LEVEL',
    ],
    [
      'a community deadline firing at the town review',
      state('town_review', 'town'),
      { type: 'review_deadline', level: 'community' },
      'system',
      'WRONG_LEVEL',
    ],
    [
      'a deadline firing after its level decided',
      state('town_notice', 'town'),
      { type: 'review_deadline', level: 'town' },
      'system',
      'INVALID_STATE',
    ],
  ])('%s', (_title, s, command, role, code) => {
    expect(planTransition(s, command, by(role))).toMatchObject({ ok: false, code });
  });
});

describe('review deadlines', () => {
  it.each<[ReviewLevel, ReviewLevel | 'admin']>([
    ['community', 'town'],
    ['town', 'bureau'],
    ['bureau', 'admin'],
  ])('an overdue %s review stays put, is flagged and alerts %s', (level, to) => {
    const status = `${level}_review` as const;
    const plan = planned(
      planTransition(state(status, level), { type: 'review_deadline', level }, by('system')),
    );
    expect(plan).toMatchObject({
      kind: 'stayed',
      to: { status, level },
      historyType: 'review_overdue',
    });
    expect(plan.effects).toEqual([
      { type: 'flag_overdue', level },
      { type: 'raise_alert', level, to },
    ]);
  });
});

describe('withdrawing', () => {
  it.each<[ApplicationStatus, ReviewLevel, Effect['type'][]]>([
    ['community_review', 'community', ['cancel_review_deadline', 'release_memberships']],
    ['community_notice', 'community', ['close_notice', 'release_memberships']],
    ['town_review', 'town', ['cancel_review_deadline', 'release_memberships']],
    ['town_notice', 'town', ['close_notice', 'release_memberships']],
    ['bureau_review', 'bureau', ['cancel_review_deadline', 'release_memberships']],
    ['bureau_notice', 'bureau', ['close_notice', 'release_memberships']],
    ['returned', 'community', ['release_memberships']],
    ['returned', 'bureau', ['release_memberships']],
    ['approved', 'bureau', ['release_memberships']],
  ])('from %s at %s: withdrawn, with %p', (status, level, effects) => {
    const plan = planned(
      planTransition(state(status, level), { type: 'withdraw' }, by('applicant')),
    );
    expect(plan.to).toEqual({ status: 'withdrawn', level: null });
    expect(plan.effects.map((e) => e.type)).toEqual(effects);
  });

  it('withdrawing a notice waiting for objections takes it down', () => {
    const result = planTransition(
      state('town_notice', 'town', { unresolvedObjections: 1, noticeEnded: true }),
      { type: 'withdraw' },
      by('applicant'),
    );
    expect(result).toMatchObject({ ok: true, to: { status: 'withdrawn' } });
  });

  it.each<[ApplicationStatus, ReviewLevel | null]>([
    ['draft', null],
    ['withdrawn', null],
    ['rejected', 'town'],
    ['revoked', 'bureau'],
  ])('is refused from %s (not live)', (status, level) => {
    expect(
      planTransition(state(status, level), { type: 'withdraw' }, by('applicant')),
    ).toMatchObject({ ok: false, code: 'INVALID_STATE' });
  });
});

describe('dynamic management after approval', () => {
  it('the bureau revokes an approved household, releasing its members', () => {
    const plan = planned(
      planTransition(state('approved', 'bureau'), { type: 'revoke' }, by('bureau_reviewer')),
    );
    expect(plan).toMatchObject({ kind: 'moved', to: { status: 'revoked', level: 'bureau' } });
    expect(plan.effects).toEqual([{ type: 'release_memberships' }]);
  });

  it.each<[ApplicationStatus, ReviewLevel | null]>([
    ['draft', null],
    ['bureau_review', 'bureau'],
    ['bureau_notice', 'bureau'],
    ['rejected', 'bureau'],
    ['returned', 'bureau'],
    ['withdrawn', null],
    ['revoked', 'bureau'],
  ])('revoking is refused from %s', (status, level) => {
    expect(
      planTransition(state(status, level), { type: 'revoke' }, by('bureau_reviewer')),
    ).toMatchObject({ ok: false, code: 'INVALID_STATE' });
  });

  it('a recorded change keeps the household approved and only adds history', () => {
    const plan = planned(
      planTransition(state('approved', 'bureau'), { type: 'record_change' }, by('bureau_reviewer')),
    );
    expect(plan).toMatchObject({
      kind: 'stayed',
      to: { status: 'approved', level: 'bureau' },
      effects: [],
      historyType: 'record_change',
    });
  });
});

describe('refusals', () => {
  it('every code maps to 403 or 409', () => {
    expect(WORKFLOW_REFUSAL_CODES.map((c) => WORKFLOW_REFUSAL_HTTP_STATUS[c])).toEqual([
      403, 409, 409, 409, 409,
    ]);
  });

  it.each<[WorkflowState, WorkflowCommand, ActorRole]>([
    [state('draft', null), { type: 'approve' }, 'applicant'],
    [state('community_review', 'community'), { type: 'approve' }, 'town_reviewer'],
    [state('community_notice', 'community'), { type: 'approve' }, 'community_reviewer'],
    [state('approved', 'bureau'), { type: 'submit' }, 'applicant'],
    [state('town_notice', 'town'), { type: 'resolve_objection', upheld: false }, 'town_reviewer'],
    [
      state('town_notice', 'town', { unresolvedObjections: 1, noticeEnded: true }),
      { type: 'notice_end', level: 'town' },
      'system',
    ],
  ])('carry a Chinese message (%#)', (s, command, role) => {
    const result = planTransition(s, command, by(role));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/[\u4e00-\u9fff]/u);
  });
});

describe('an impossible state is a bug, not a refusal', () => {
  it.each<[string, WorkflowState]>([
    ['a review status at another level', state('community_review', 'town')],
    ['a draft with a level', state('draft', 'community')],
    ['a review without a level', state('town_review', null)],
    ['approved below the bureau', state('approved', 'town')],
    ['returned without a level', state('returned', null)],
    ['negative objections', state('town_notice', 'town', { unresolvedObjections: -1 })],
    ['fractional objections', state('town_notice', 'town', { unresolvedObjections: 0.5 })],
  ])('%s throws WorkflowStateError', (_title, s) => {
    expect(() => planTransition(s, { type: 'withdraw' }, by('applicant'))).toThrow(
      WorkflowStateError,
    );
  });
});
