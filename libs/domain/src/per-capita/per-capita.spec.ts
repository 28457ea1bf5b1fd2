import { MAX_AREA_CENTI, MAX_MONEY_FEN, UnsafeIntegerError } from '../units';
import { perCapitaAreaWithin, perCapitaForDisplay, perCapitaIncomeWithin } from '.';

describe('per-capita comparisons without division', () => {
  it.each([
    [3000, 3, 1000, true],
    [3001, 3, 1000, false],
    [1000, 1, 1000, true],
    [1001, 1, 1000, false],
  ])('area %p for %p persons within %p each: %p', (area, persons, bound, within) => {
    expect(perCapitaAreaWithin(area, persons, bound)).toBe(within);
  });

  it.each([
    // reference 12,345.67 yuan, 3 persons: 0.3 · ref · 3 = 11,111.103 yuan.
    [1_111_110, 3, 30, 1_234_567, true],
    [1_111_111, 3, 30, 1_234_567, false],
    [3_703_701, 3, 100, 1_234_567, true],
    [3_703_702, 3, 100, 1_234_567, false],
  ])('income %p for %p persons within %p%% of %p: %p', (income, persons, c, ref, within) => {
    expect(perCapitaIncomeWithin(income, persons, c, ref)).toBe(within);
  });

  it('stays exact at the largest figures the units allow', () => {
    const persons = 20;
    const income = MAX_MONEY_FEN * persons;
    expect(perCapitaIncomeWithin(income, persons, 100, MAX_MONEY_FEN)).toBe(true);
    expect(perCapitaIncomeWithin(income + 1, persons, 100, MAX_MONEY_FEN)).toBe(false);
    expect(perCapitaAreaWithin(MAX_AREA_CENTI * 50, 50, MAX_AREA_CENTI)).toBe(true);
  });

  it('throws rather than compare products past 2^53', () => {
    expect(() => perCapitaIncomeWithin(Number.MAX_SAFE_INTEGER, 1, 100, 1)).toThrow(
      UnsafeIntegerError,
    );
  });

  it('refuses a household of no one', () => {
    expect(() => perCapitaAreaWithin(0, 0, 1000)).toThrow(RangeError);
    expect(() => perCapitaForDisplay(0, 0)).toThrow(RangeError);
  });
});

describe('per-capita values for display (rounded half up, never compared)', () => {
  it.each([
    [3001, 3, 1000], // 10.0033 m² -> 10.00
    [3002, 3, 1001], // 10.0067 m² -> 10.01
    [3, 2, 2], // 0.015 -> 0.02 (half up)
    [1_111_111, 3, 370_370], // 3,703.7033 yuan -> 3,703.70
    [1_000_000, 3, 333_333],
    [2_000_000, 3, 666_667],
  ])('%p over %p persons shows %p', (total, persons, shown) => {
    expect(perCapitaForDisplay(total, persons)).toBe(shown);
  });
});
