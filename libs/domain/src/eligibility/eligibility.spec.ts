import { addDays } from '../dates';
import { validateHousehold, type HouseholdDeclaration } from '../household';
import {
  applicant,
  child,
  familyOfThree,
  OUTSIDE_COMMUNITY,
  spouse,
  TEST_RULES,
  TEST_TODAY,
  testContext,
} from '../testing/households';
import { residentId } from '../testing/resident-ids';
import { evaluateEligibility, type EligibilityContext, type HouseholdFigures } from '.';

function eligibilityOf(
  declaration: HouseholdDeclaration,
  figures: Partial<HouseholdFigures> = {},
  context: EligibilityContext = testContext(),
) {
  const result = validateHousehold(declaration, TEST_TODAY);
  if (!result.ok) throw new Error(`test household is malformed: ${JSON.stringify(result.errors)}`);
  return evaluateEligibility(
    result.household,
    { householdIncomeFen: 0, countedAreaCenti: 0, ...figures },
    TEST_RULES,
    context,
  );
}
const codesOf = (...args: Parameters<typeof eligibilityOf>) =>
  eligibilityOf(...args).reasons.map((r) => r.code);

describe('eligibility (reference income 20,000.00 yuan, area limit 10 m², both included)', () => {
  it('a local family of three with no home and no income is eligible', () => {
    expect(eligibilityOf(familyOfThree())).toEqual({ eligible: true, reasons: [] });
  });

  it.each<[string, Partial<HouseholdFigures>, string[]]>([
    ['30.00 m² for 3 (exactly 10 m² each)', { countedAreaCenti: 3000 }, []],
    ['30.01 m² for 3 (10.0033 m² each)', { countedAreaCenti: 3001 }, ['AREA_ABOVE_LIMIT']],
    [
      '60,000.00 yuan for 3 (exactly the reference income each)',
      { householdIncomeFen: 6_000_000 },
      [],
    ],
    [
      '60,000.01 yuan for 3 (one fen above)',
      { householdIncomeFen: 6_000_001 },
      ['INCOME_ABOVE_LIMIT'],
    ],
    ['both on the bounds', { householdIncomeFen: 6_000_000, countedAreaCenti: 3000 }, []],
    [
      'both above the bounds',
      { householdIncomeFen: 6_000_001, countedAreaCenti: 3001 },
      ['AREA_ABOVE_LIMIT', 'INCOME_ABOVE_LIMIT'],
    ],
  ])('a family of three with %s', (_what, figures, codes) => {
    const eligibility = eligibilityOf(familyOfThree(), figures);
    expect(eligibility.reasons.map((r) => r.code)).toEqual(codes);
    expect(eligibility.eligible).toBe(codes.length === 0);
  });

  it('a person alone with exactly 10.00 m² and 20,000.00 yuan is eligible; 0.01 more of either is not', () => {
    const alone = familyOfThree({ members: [applicant({ maritalStatus: 'divorced' })] });
    expect(codesOf(alone, { countedAreaCenti: 1000, householdIncomeFen: 2_000_000 })).toEqual([]);
    expect(codesOf(alone, { countedAreaCenti: 1001, householdIncomeFen: 2_000_001 })).toEqual([
      'AREA_ABOVE_LIMIT',
      'INCOME_ABOVE_LIMIT',
    ]);
  });

  it.each([
    ['on the hukou cut-off day', TEST_RULES.hukouCutoffDate, []],
    ['the day after the hukou cut-off', addDays(TEST_RULES.hukouCutoffDate, 1), ['HUKOU_TOO_LATE']],
  ])('a spouse registered locally %s', (_what, hukouSince, codes) => {
    expect(
      codesOf(familyOfThree({ members: [applicant(), spouse({ hukouSince }), child()] })),
    ).toEqual(codes);
  });

  it('a child registered outside the county makes the household ineligible', () => {
    const declaration = familyOfThree({
      members: [applicant(), spouse(), child({ hukouCommunityId: OUTSIDE_COMMUNITY })],
    });
    expect(eligibilityOf(declaration).reasons).toEqual([
      {
        code: 'HUKOU_NOT_LOCAL',
        message: expect.stringContaining('户口') as string,
        memberIdNumber: child().idNumber,
      },
    ]);
  });

  it.each([
    ['on his 25th birthday', '2000-08-31', []],
    ['the day before his 25th birthday', '2000-09-01', ['TOO_YOUNG_TO_APPLY_ALONE']],
  ])(
    'an unmarried man applying alone who is %s on the age cut-off date',
    (_what, birthDate, codes) => {
      const alone = applicant({
        idNumber: residentId({ birthDate }),
        maritalStatus: 'unmarried',
        hukouSince: birthDate,
      });
      expect(codesOf(familyOfThree({ members: [alone] }))).toEqual(codes);
    },
  );

  it('a member already in another live application makes the household ineligible', () => {
    const context = testContext({ idNumbersInOtherLiveApplications: new Set([spouse().idNumber]) });
    expect(eligibilityOf(familyOfThree(), {}, context).reasons).toEqual([
      {
        code: 'MEMBER_IN_OTHER_APPLICATION',
        message: expect.stringContaining('另一份') as string,
        memberIdNumber: spouse().idNumber,
      },
    ]);
  });

  it('an ineligible household gets every reason at once, in a stable order', () => {
    const declaration = familyOfThree({
      members: [
        applicant(),
        child({ maritalStatus: 'married', hukouCommunityId: OUTSIDE_COMMUNITY }),
        child({
          idNumber: residentId({ order: 40, birthDate: '2012-01-01' }),
          hukouSince: '2025-01-01',
        }),
      ],
    });
    const context = testContext({
      idNumbersInOtherLiveApplications: new Set([applicant().idNumber]),
    });
    expect(
      codesOf(declaration, { countedAreaCenti: 3001, householdIncomeFen: 6_000_001 }, context),
    ).toEqual([
      'INVALID_COMPOSITION',
      'INVALID_COMPOSITION',
      'HUKOU_NOT_LOCAL',
      'HUKOU_TOO_LATE',
      'MEMBER_IN_OTHER_APPLICATION',
      'AREA_ABOVE_LIMIT',
      'INCOME_ABOVE_LIMIT',
    ]);
  });

  it('explains the limits in Chinese with exact totals', () => {
    const reasons = eligibilityOf(familyOfThree(), {
      countedAreaCenti: 3001,
      householdIncomeFen: 6_000_001,
    }).reasons;
    expect(reasons.map((r) => r.message)).toEqual([
      '人均住房建筑面积超过 10.00 平方米:3 人共 30.01 平方米,上限 30.00 平方米',
      '人均年可支配收入超过 20000.00 元:3 人共 60000.01 元,上限 60000.00 元',
    ]);
  });
});
