import { Random } from './random';
import { CorrectableHousehold, reviewerCorrection } from './reviewer-corrections';

const LIMITS = { referenceIncomeFen: 4_300_000, areaLimitCenti: 1000 };

const household = (overrides: Partial<CorrectableHousehold> = {}): CorrectableHousehold => ({
  persons: 3,
  householdIncomeFen: 9_000_000,
  countedAreaCenti: 2700,
  members: [
    { idNumber: 'a', incomeSource: 'employed', annualIncomeFen: 6_000_000 },
    { idNumber: 'b', incomeSource: 'retired', annualIncomeFen: 3_000_000 },
    { idNumber: 'c', incomeSource: 'none', annualIncomeFen: 0 },
  ],
  properties: [
    { id: 'home', areaCenti: 2700, counted: true },
    { id: 'shop', areaCenti: 2000, counted: false },
  ],
  ...overrides,
});

describe('reviewerCorrection', () => {
  it('keeps a household eligible with a minor correction, whatever is drawn', () => {
    for (let seed = 0; seed < 300; seed++) {
      const h = household();
      const c = reviewerCorrection(h, 'minor', LIMITS, new Random(seed))!;
      c.apply();
      expect(h.householdIncomeFen).toBeLessThanOrEqual(LIMITS.referenceIncomeFen * h.persons);
      expect(h.countedAreaCenti).toBeLessThanOrEqual(LIMITS.areaLimitCenti * h.persons);
      expect(h.properties[0].areaCenti).toBeGreaterThan(0);
      expect(h.members.every((m) => m.annualIncomeFen >= 0)).toBe(true);
      expect(c.payload.properties?.[0]?.id ?? 'home').toBe('home');
      expect(c.payload.members?.[0]?.idNumber ?? 'a').not.toBe('c');
    }
  });

  it('puts the household above the reference with a disqualifying one, naming an earner in yuan', () => {
    const h = household();
    const c = reviewerCorrection(h, 'disqualifying', LIMITS, new Random(1))!;
    const member = c.payload.members![0];
    expect(['a', 'b']).toContain(member.idNumber);
    c.apply();
    expect(h.householdIncomeFen).toBeGreaterThan(LIMITS.referenceIncomeFen * h.persons);
    const corrected = h.members.find((m) => m.idNumber === member.idNumber)!;
    expect(member.annualIncome).toBe(corrected.annualIncomeFen / 100);
  });

  it('has nothing to correct without an earner or a counted home', () => {
    const h = household({
      members: [{ idNumber: 'a', incomeSource: 'none', annualIncomeFen: 0 }],
      properties: [],
      countedAreaCenti: 0,
      householdIncomeFen: 0,
    });
    expect(reviewerCorrection(h, 'minor', LIMITS, new Random(1))).toBeNull();
    expect(reviewerCorrection(h, 'disqualifying', LIMITS, new Random(1))).toBeNull();
  });
});
