import { noticeRules } from '../campaign';
import { TEST_RULES } from '../testing/households';
import { areaTier, incomeTier } from '.';

const yuan = (fen: number) => (fen / 100).toFixed(2);

describe('income tiers (以下 includes the bound)', () => {
  describe.each([
    ['20,000.00 yuan', TEST_RULES],
    ['12,345.67 yuan (bounds fall between fen)', noticeRules(2025, 1_234_567)],
  ])('reference income %s', (_ref, rules) => {
    const coefficients = rules.incomeCoefficients;
    describe.each([1, 3, 7])('a household of %p', (persons) => {
      // The largest household income (fen) whose per-capita income is <= c·ref: floor(c·ref·persons / 100).
      const tierName = (t: number | null) => (t === null ? 'no tier' : `tier ${t / 100}`);
      const cases = coefficients.flatMap((c, k) => {
        const onBound = Math.floor((c * rules.referenceIncomeFen * persons) / 100);
        const next = coefficients[k + 1] ?? null;
        return [
          [
            `${yuan(onBound)} yuan, on or just under the ${c / 100} bound, is in ${tierName(c)}`,
            onBound,
            c,
          ],
          [
            `${yuan(onBound + 1)} yuan, one fen above the ${c / 100} bound, is in ${tierName(next)}`,
            onBound + 1,
            next,
          ],
        ] as const;
      });
      it.each(cases)('household income %s', (_title, income, tier) => {
        expect(incomeTier(income, persons, rules)).toBe(tier);
      });
    });
  });

  it.each([
    [0, 30],
    [1, 30],
    [1_800_000, 30], // 6,000.00 yuan each for 3 persons: exactly 0.3 · 20,000
    [1_800_001, 40],
    [6_000_000, 100], // exactly the reference income
    [6_000_001, null], // one fen above it: no tier
  ])('a household of 3 with an income of %p fen is in tier %p', (income, tier) => {
    expect(incomeTier(income, 3, TEST_RULES)).toBe(tier);
  });

  it('takes any list of coefficients', () => {
    const rules = { referenceIncomeFen: 1000, incomeCoefficients: [50, 100] };
    expect([0, 500, 501, 1000, 1001].map((income) => incomeTier(income, 1, rules))).toEqual([
      50,
      50,
      100,
      100,
      null,
    ]);
  });
});

describe('area tiers', () => {
  it('a household without a counted home is in the no-housing tier', () => {
    expect(areaTier(0, 3, TEST_RULES)).toBe('none');
  });

  describe.each([1, 2, 3, 7])('a household of %p', (persons) => {
    const bounds = TEST_RULES.areaTierBoundsCenti;
    const tierName = (t: number | null) => (t === null ? 'no tier' : `the (…, ${t / 100}] tier`);
    const cases = bounds.flatMap((b, k) => {
      const next = bounds[k + 1] ?? null;
      return [
        [`exactly ${b / 100} m² each is in ${tierName(b)}`, b * persons, b],
        [
          `0.01 m² more than ${b / 100} m² each in total is in ${tierName(next)}`,
          b * persons + 1,
          next,
        ],
      ] as const;
    });
    it.each(cases)('with %s', (_title, area, tier) => {
      expect(areaTier(area, persons, TEST_RULES)).toBe(tier);
    });

    it('with 0.01 m² is in the (0, 5] tier', () => {
      expect(areaTier(1, persons, TEST_RULES)).toBe(500);
    });
  });

  it.each<[string, number, number | null]>([
    ['30.00 m² for 3 is in the (9,10] tier', 3000, 1000],
    ['30.01 m² for 3 (10.0033 each) is above every tier', 3001, null],
    ['30.02 m² for 3 (10.0067 each) is above every tier', 3002, null],
    ['30.03 m² for 3 (10.01 each) is above every tier', 3003, null],
    ['27.00 m² for 3 is in the (8,9] tier', 2700, 900],
    ['27.01 m² for 3 is in the (9,10] tier', 2701, 1000],
  ])('%s', (_title, area, tier) => {
    expect(areaTier(area, 3, TEST_RULES)).toBe(tier);
  });
});
