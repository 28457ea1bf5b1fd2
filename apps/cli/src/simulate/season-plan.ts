import { IsoDate } from '@app/calendar';
import { REVIEW_LEVELS, ReviewLevel } from '@app/domain';
import { GeneratedHousehold } from './household-generator';
import { Random } from './random';

export type Decision = 'approve' | 'reject' | 'return';

export interface ObjectionPlan {
  /** Calendar days after the notice is posted (1 … 4: always inside the 5-day notice). */
  afterDays: number;
  /** Objections filed that day; only the last can be upheld. */
  count: 1 | 2;
  /** Working days after filing the reviewer resolves them (0: the same afternoon); late ones find the notice over. */
  resolveAfterWorkdays: number;
  upheld: boolean;
}

export interface LevelPlan {
  /** The first decision at this level. */
  decision: Decision;
  /** Working days after receipt the reviewer decides; beyond the level's deadline the review is overdue first. */
  delay: number;
  /** After a return: calendar days until the applicant resubmits; null: never comes back. */
  resubmitAfterDays: number | null;
  /** After a resubmission the reviewer approves, this many working days after it. */
  secondDelay: number;
  /** A reviewer's correction of the declared figures with the decision (community level only). */
  correction: 'none' | 'minor' | 'disqualifying';
  objection: ObjectionPlan | null;
  /** The applicant withdraws this many working days after receipt, before the reviewer decides. */
  withdrawAfter: number | null;
}

export interface HouseholdPlan {
  /** A working day of the campaign window. */
  submitOn: IsoDate;
  /** Never submits the draft. */
  abandons: boolean;
  /** Forgets one material: the first submission is refused, the applicant adds it and submits again. */
  missingMaterial: { fixAfterWorkdays: number } | null;
  levels: Record<ReviewLevel, LevelPlan>;
}

/** How the season goes; each rate is per household (per level where keyed by level). */
export const SEASON_MIX = {
  abandon: 0.01,
  missingMaterial: 0.03,
  reject: { community: 0.03, town: 0.02, bureau: 0.015 },
  return: { community: 0.05, town: 0.02, bureau: 0.01 },
  neverResubmits: 0.1,
  overdue: 0.04,
  minorCorrection: 0.03,
  disqualifyingCorrection: 0.01,
  objection: { community: 0.03, town: 0.015, bureau: 0.01 },
  twoObjections: 0.15,
  objectionUpheld: 0.3,
  withdraw: 0.01,
};

export interface PlanContext {
  /** The working days of the campaign window, in order. */
  windowWorkdays: readonly IsoDate[];
  reviewDays: Record<ReviewLevel, number>;
}

/** Busier at the opening and before the closing, as counters are. */
export function submissionDay(rng: Random, workdays: readonly IsoDate[]): IsoDate {
  const weights = workdays.map((_, i): [number, number] => [
    i,
    i < 10 ? 2 : i >= workdays.length - 5 ? 2.5 : 1,
  ]);
  return workdays[rng.weighted(weights)];
}

/** Mostly early in the allowed time; `overdue` pushes it 1-3 working days past the deadline. */
function reviewDelay(rng: Random, deadline: number, overdue: boolean): number {
  if (overdue) return deadline + rng.int(1, 3);
  return Math.min(rng.int(1, deadline), rng.int(1, deadline));
}

function levelPlan(
  rng: Random,
  level: ReviewLevel,
  deadline: number,
  withdraws: boolean,
): LevelPlan {
  const m = SEASON_MIX;
  const roll = rng.next();
  let decision: Decision =
    roll < m.reject[level] ? 'reject' : roll < m.reject[level] + m.return[level] ? 'return' : 'approve'; // prettier-ignore
  let correction: LevelPlan['correction'] = 'none';
  if (level === 'community' && decision === 'approve') {
    const c = rng.next();
    if (c < m.disqualifyingCorrection) correction = 'disqualifying';
    else if (c < m.disqualifyingCorrection + m.minorCorrection) correction = 'minor';
    if (correction === 'disqualifying') decision = 'reject';
  }
  const delay = reviewDelay(rng, deadline, rng.chance(m.overdue));
  const objection: ObjectionPlan | null = rng.chance(m.objection[level])
    ? {
        afterDays: rng.int(1, 4),
        count: rng.chance(m.twoObjections) ? 2 : 1,
        resolveAfterWorkdays: rng.int(0, 4),
        upheld: rng.chance(m.objectionUpheld),
      }
    : null;
  return {
    decision,
    delay,
    resubmitAfterDays: rng.chance(m.neverResubmits) ? null : rng.int(1, 7),
    secondDelay: reviewDelay(rng, deadline, false),
    correction,
    objection,
    withdrawAfter: withdraws && delay >= 2 ? rng.int(1, delay - 1) : null,
  };
}

/** One household's season, drawn once; `after` is a day the submission must follow (the parents'). */
export function planHousehold(
  rng: Random,
  context: PlanContext,
  after: IsoDate | null = null,
): HouseholdPlan {
  const withdrawLevel = rng.chance(SEASON_MIX.withdraw) ? rng.pick(REVIEW_LEVELS) : null;
  const levels = Object.fromEntries(
    REVIEW_LEVELS.map((level) => [
      level,
      levelPlan(rng, level, context.reviewDays[level], level === withdrawLevel),
    ]),
  ) as Record<ReviewLevel, LevelPlan>;
  let submitOn = submissionDay(rng, context.windowWorkdays);
  if (after !== null) {
    const later = context.windowWorkdays.filter((d) => d > after);
    submitOn = later.length > 0 ? later[Math.min(later.length - 1, rng.int(0, 4))] : after;
  }
  return {
    submitOn,
    abandons: rng.chance(SEASON_MIX.abandon),
    missingMaterial: rng.chance(SEASON_MIX.missingMaterial)
      ? { fixAfterWorkdays: rng.int(1, 3) }
      : null,
    levels,
  };
}

export type Fate = 'approved' | 'rejected' | 'withdrawn' | 'returned' | 'draft';

/**
 * Where the plan leads when nothing else interferes: the first terminal event
 * along the three levels. A run may differ only where a refusal the simulator
 * saw explains it (a second live application of one person, the window closed
 * before a late resubmission); the invariant check holds the run to that.
 */
export function expectedFate(
  household: Pick<GeneratedHousehold, 'ineligibleBy'>,
  plan: HouseholdPlan,
): { fate: Fate; because: string } {
  if (household.ineligibleBy) return { fate: 'draft', because: `ineligible (${household.ineligibleBy})` }; // prettier-ignore
  if (plan.abandons) return { fate: 'draft', because: 'never submitted' };
  for (const level of REVIEW_LEVELS) {
    const p = plan.levels[level];
    if (p.withdrawAfter !== null) return { fate: 'withdrawn', because: `withdrew at ${level}` };
    if (p.correction === 'disqualifying')
      return { fate: 'rejected', because: `corrected figures ineligible at ${level}` };
    if (p.decision === 'reject') return { fate: 'rejected', because: `rejected at ${level}` };
    if (p.decision === 'return' && p.resubmitAfterDays === null)
      return { fate: 'returned', because: `returned at ${level}, never resubmitted` };
    if (p.objection?.upheld) return { fate: 'rejected', because: `objection upheld at ${level}` };
  }
  return { fate: 'approved', because: 'approved at every level' };
}
