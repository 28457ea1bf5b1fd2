import { assessHousehold, noticeRules, validateResidentId } from '@app/domain';
import {
  ageOn,
  applicationBody,
  declaredFigures,
  GeneratedHousehold,
  HouseholdGenerator,
  ResidentIdFactory,
  splitInteger,
} from './household-generator';
import { Random } from './random';

const RULES = noticeRules(2025, 4_300_000);
const COMMUNITIES = [
  { id: '11111111-1111-4111-8111-111111111111', name: '民和城南社区' },
  { id: '22222222-2222-4222-8222-222222222222', name: '民和城北社区' },
  { id: '33333333-3333-4333-8333-333333333333', name: '李渡城南社区' },
];
const TODAY = '2025-09-01';

function generate(n: number, seed = 2025): GeneratedHousehold[] {
  const g = new HouseholdGenerator(new Random(seed), RULES, COMMUNITIES);
  return Array.from({ length: n }, () => g.next());
}

const share = (hs: GeneratedHousehold[], p: (h: GeneratedHousehold) => boolean) =>
  hs.filter(p).length / hs.length;

describe('HouseholdGenerator', () => {
  const households = generate(4000);

  it('spreads household sizes from 1 to 5, three-person households the most common', () => {
    const sizes = [1, 2, 3, 4, 5].map((s) => share(households, (h) => h.members.length === s));
    expect(sizes.every((x) => x > 0.04)).toBe(true);
    expect(Math.max(...sizes)).toBe(sizes[2]);
  });

  it('makes about 8% ineligible, by income, area and hukou', () => {
    const ineligible = share(households, (h) => h.ineligibleBy !== null);
    expect(ineligible).toBeGreaterThan(0.06);
    expect(ineligible).toBeLessThan(0.11);
    for (const why of ['income', 'area', 'hukou'])
      expect(share(households, (h) => h.ineligibleBy === why)).toBeGreaterThan(0.003);
  });

  it('is assessed by the domain exactly as it meant: eligibility, income and counted area', () => {
    const disagreements = households.filter((h) => {
      const result = assessHousehold(
        {
          communityId: h.communityId,
          members: h.members.map((m) => ({ ...m })),
          properties: h.properties.map((_, i) => ({
            ...h.properties[i],
            id: `p${i}`,
            transferredOn: h.properties[i].transferredOn ?? null,
            transferReason: h.properties[i].transferReason ?? null,
          })),
        },
        RULES,
        {
          today: TODAY,
          countyCommunityIds: new Set(COMMUNITIES.map((c) => c.id)),
          idNumbersInOtherLiveApplications: new Set(),
        },
      );
      if (!result.ok) return true;
      const mine = declaredFigures(h);
      return (
        result.assessment.eligibility.eligible !== (h.ineligibleBy === null) ||
        result.assessment.householdIncomeFen !== mine.householdIncomeFen ||
        result.assessment.countedAreaCenti !== mine.countedAreaCenti
      );
    });
    expect(disagreements).toEqual([]);
  });

  it('fills every income tier and every area tier, with about a fifth without housing', () => {
    const eligible = households.filter((h) => h.ineligibleBy === null);
    const incomeTiers = new Set<number>();
    const areaTiers = new Set<string>();
    for (const h of eligible) {
      const f = declaredFigures(h);
      const perCapita = f.householdIncomeFen / f.persons;
      incomeTiers.add(RULES.incomeCoefficients.find((c) => perCapita <= (c * RULES.referenceIncomeFen) / 100)!); // prettier-ignore
      const area = f.countedAreaCenti / f.persons;
      areaTiers.add(f.countedAreaCenti === 0 ? 'none' : String(RULES.areaTierBoundsCenti.find((b) => area <= b))); // prettier-ignore
    }
    expect(incomeTiers.size).toBe(8);
    expect(areaTiers.size).toBe(7);
    const noHousing = share(eligible, (h) => declaredFigures(h).countedAreaCenti === 0);
    expect(noHousing).toBeGreaterThan(0.15);
    expect(noHousing).toBeLessThan(0.3);
  });

  it('uses every income source, and only members with a source have income', () => {
    const members = households.flatMap((h) => h.members);
    const sources = new Set(members.map((m) => m.incomeSource));
    expect(sources.size).toBe(8);
    expect(members.filter((m) => m.incomeSource === 'none' && m.annualIncomeFen > 0)).toEqual([]);
  });

  it('gives every person one valid resident ID number, except the adult children applying alone', () => {
    const solos = households.filter((h) => h.sharesMemberWith !== null);
    expect(solos.length).toBeGreaterThan(0);
    const ids = households.filter((h) => h.sharesMemberWith === null).flatMap((h) => h.members.map((m) => m.idNumber)); // prettier-ignore
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => validateResidentId(id, { today: TODAY }).ok)).toBe(true);
    for (const solo of solos) {
      const parents = households[solo.sharesMemberWith!];
      expect(parents.members.map((m) => m.idNumber)).toContain(solo.members[0].idNumber);
      expect(solo.index).toBeGreaterThan(parents.index);
      expect(ageOn(solo.members[0].birthDate, RULES.ageCutoffDate)).toBeGreaterThanOrEqual(26);
    }
  });

  it('is the same county for the same seed', () => {
    expect(generate(50, 9)).toEqual(generate(50, 9));
    expect(generate(50, 9)).not.toEqual(generate(50, 10));
  });

  it('writes money and areas with at most two decimals', () => {
    const body = applicationBody(households[0], 'c');
    for (const m of body.members)
      expect(Math.round(m.annualIncome * 100)).toBe(m.annualIncome * 100);
    for (const p of body.properties) expect(Math.round(p.area * 100)).toBe(p.area * 100);
  });
});

describe('ResidentIdFactory', () => {
  it('numbers people born the same day apart, odd 17th digit for men, even for women', () => {
    const f = new ResidentIdFactory();
    const man = f.next('1980-03-15', 'male').idNumber;
    const woman = f.next('1980-03-15', 'female').idNumber;
    const man2 = f.next('1980-03-15', 'male').idNumber;
    expect(new Set([man, woman, man2]).size).toBe(3);
    expect(Number(man[16]) % 2).toBe(1);
    expect(Number(woman[16]) % 2).toBe(0);
  });

  it('moves to the next day once a day has 500 of one sex', () => {
    const f = new ResidentIdFactory();
    for (let i = 0; i < 500; i++) f.next('1990-01-01', 'female');
    expect(f.next('1990-01-01', 'female').birthDate).toBe('1990-01-02');
  });
});

describe('splitInteger', () => {
  it('splits exactly, into the number of parts asked', () => {
    const parts = splitInteger(new Random(1), 1_000_001, 3);
    expect(parts).toHaveLength(3);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_001);
    expect(splitInteger(new Random(1), 5, 0)).toEqual([]);
  });
});
