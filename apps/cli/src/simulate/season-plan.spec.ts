import { expectedFate, HouseholdPlan, LevelPlan, planHousehold, SEASON_MIX } from './season-plan';
import { IneligibleBy } from './household-generator';
import { Random } from './random';

const WORKDAYS = ['2025-09-01', '2025-09-02', '2025-09-03', '2025-09-04', '2025-09-05'];
const CONTEXT = { windowWorkdays: WORKDAYS, reviewDays: { community: 5, town: 10, bureau: 15 } };

const level = (overrides: Partial<LevelPlan> = {}): LevelPlan => ({
  decision: 'approve',
  delay: 2,
  resubmitAfterDays: 3,
  secondDelay: 1,
  correction: 'none',
  objection: null,
  withdrawAfter: null,
  ...overrides,
});
const plan = (overrides: Partial<HouseholdPlan> = {}): HouseholdPlan => ({
  submitOn: '2025-09-01',
  abandons: false,
  missingMaterial: null,
  levels: { community: level(), town: level(), bureau: level() },
  ...overrides,
});
const eligible: { ineligibleBy: IneligibleBy } = { ineligibleBy: null };

describe('expectedFate', () => {
  it.each<[string, HouseholdPlan, string, { ineligibleBy: IneligibleBy }?]>([
    ['approved at every level', plan(), 'approved'],
    ['ineligible', plan(), 'draft', { ineligibleBy: 'area' }],
    ['never submitted', plan({ abandons: true }), 'draft'],
    ['rejected at town', plan({ levels: { community: level(), town: level({ decision: 'reject' }), bureau: level() } }), 'rejected'], // prettier-ignore
    ['returned and resubmitted, then approved', plan({ levels: { community: level({ decision: 'return' }), town: level(), bureau: level() } }), 'approved'], // prettier-ignore
    ['returned, never resubmitted', plan({ levels: { community: level({ decision: 'return', resubmitAfterDays: null }), town: level(), bureau: level() } }), 'returned'], // prettier-ignore
    ['objection upheld at bureau', plan({ levels: { community: level(), town: level(), bureau: level({ objection: { afterDays: 1, count: 1, resolveAfterWorkdays: 0, upheld: true } }) } }), 'rejected'], // prettier-ignore
    ['objection dismissed', plan({ levels: { community: level({ objection: { afterDays: 1, count: 2, resolveAfterWorkdays: 4, upheld: false } }), town: level(), bureau: level() } }), 'approved'], // prettier-ignore
    ['withdrew before the town decided', plan({ levels: { community: level(), town: level({ withdrawAfter: 1, decision: 'reject' }), bureau: level() } }), 'withdrawn'], // prettier-ignore
    ['a correction making it ineligible', plan({ levels: { community: level({ correction: 'disqualifying', decision: 'reject' }), town: level(), bureau: level() } }), 'rejected'], // prettier-ignore
    ['a rejection earlier than an upheld objection later', plan({ levels: { community: level({ decision: 'reject' }), town: level({ objection: { afterDays: 1, count: 1, resolveAfterWorkdays: 0, upheld: true } }), bureau: level() } }), 'rejected'], // prettier-ignore
  ])('%s', (_name, p, fate, household = eligible) => {
    expect(expectedFate(household, p).fate).toBe(fate);
  });
});

describe('planHousehold', () => {
  const rng = new Random(5);
  const plans = Array.from({ length: 5000 }, () => planHousehold(rng, CONTEXT));

  it('submits on a working day of the window', () => {
    expect(plans.every((p) => WORKDAYS.includes(p.submitOn))).toBe(true);
    expect(new Set(plans.map((p) => p.submitOn)).size).toBe(WORKDAYS.length);
  });

  it('has a few reviews decided after the deadline, and the others within it', () => {
    const community = plans.map((p) => p.levels.community);
    const late = community.filter((l) => l.delay > 5).length / community.length;
    expect(late).toBeGreaterThan(SEASON_MIX.overdue / 2);
    expect(late).toBeLessThan(SEASON_MIX.overdue * 2);
    expect(community.every((l) => l.delay >= 1 && l.delay <= 8 && l.secondDelay <= 5)).toBe(true);
  });

  it('withdraws before the decision, and corrects only at the community', () => {
    for (const p of plans)
      for (const l of Object.values(p.levels))
        if (l.withdrawAfter !== null) expect(l.withdrawAfter).toBeLessThan(l.delay);
    expect(plans.some((p) => p.levels.community.correction === 'minor')).toBe(true);
    expect(plans.every((p) => p.levels.town.correction === 'none')).toBe(true);
    expect(plans.filter((p) => p.levels.community.correction === 'disqualifying').every((p) => p.levels.community.decision === 'reject')).toBe(true); // prettier-ignore
  });

  it('keeps objections inside the five-day notice', () => {
    const objections = plans
      .flatMap((p) => Object.values(p.levels))
      .flatMap((l) => (l.objection ? [l.objection] : []));
    expect(objections.length).toBeGreaterThan(0);
    expect(objections.every((o) => o.afterDays >= 1 && o.afterDays <= 4)).toBe(true);
  });

  it("submits an adult child's own application after the parents'", () => {
    const later = planHousehold(new Random(1), CONTEXT, '2025-09-03');
    expect(later.submitOn > '2025-09-03').toBe(true);
    expect(planHousehold(new Random(1), CONTEXT, '2025-09-05').submitOn).toBe('2025-09-05');
  });

  it('leads about four households in five to approval', () => {
    const approved = plans.filter((p) => expectedFate(eligible, p).fate === 'approved').length;
    expect(approved / plans.length).toBeGreaterThan(0.75);
    expect(approved / plans.length).toBeLessThan(0.9);
  });
});
