import { CampaignRulesError } from '../campaign';
import {
  applicant,
  child,
  familyOfThree,
  OTHER_COUNTY_COMMUNITY,
  property,
  spouse,
  TEST_RULES,
  testContext,
} from '../testing/households';
import { assessHousehold, toApiFigures, type AssessmentResult, type HouseholdAssessment } from '.';
import type { HouseholdDeclaration } from '../household';

function assess(declaration: HouseholdDeclaration, context = testContext()): HouseholdAssessment {
  const result: AssessmentResult = assessHousehold(declaration, TEST_RULES, context);
  if (!result.ok) throw new Error(`test household is malformed: ${JSON.stringify(result.errors)}`);
  return result.assessment;
}

const withHome = (areaCenti: number, overrides: Partial<HouseholdDeclaration> = {}) =>
  familyOfThree({ properties: [property({ areaCenti })], ...overrides });

describe('assessing a household', () => {
  it('a household of 3 with 30.00 m² is in the (9,10] tier and eligible', () => {
    const assessment = assess(withHome(3000));
    expect(assessment.areaTier).toBe(1000);
    expect(assessment.perCapitaAreaCenti).toBe(1000);
    expect(assessment.eligibility).toEqual({ eligible: true, reasons: [] });
  });

  it.each([
    ['30.01 m²', '10.00', 3001, 1000],
    ['30.02 m²', '10.01', 3002, 1001],
    ['30.03 m²', '10.01', 3003, 1001],
  ])(
    'a household of 3 with %s is above the limit and has no area tier, though it shows %s m² each',
    (_what, _shownText, area, shown) => {
      const assessment = assess(withHome(area));
      expect(assessment.areaTier).toBeNull();
      expect(assessment.perCapitaAreaCenti).toBe(shown);
      expect(assessment.eligibility.reasons.map((r) => r.code)).toEqual(['AREA_ABOVE_LIMIT']);
    },
  );

  it('a household of 3 earning 18,000.00 yuan (6,000.00 each, 0.3 of the reference) is in income tier 0.3', () => {
    const members = [
      applicant({ annualIncomeFen: 1_000_000 }),
      spouse({ annualIncomeFen: 800_000 }),
      child(),
    ];
    const assessment = assess(familyOfThree({ members }));
    expect(assessment).toMatchObject({
      persons: 3,
      householdIncomeFen: 1_800_000,
      perCapitaIncomeFen: 600_000,
      incomeTier: 30,
    });
  });

  it('a household of 3 earning 18,000.01 yuan is in income tier 0.4', () => {
    const members = [
      applicant({ annualIncomeFen: 1_000_001 }),
      spouse({ annualIncomeFen: 800_000 }),
      child(),
    ];
    expect(assess(familyOfThree({ members })).incomeTier).toBe(40);
  });

  it('a household earning one fen above the reference income per head has no income tier and is ineligible', () => {
    const members = [
      applicant({ annualIncomeFen: 3_000_001 }),
      spouse({ annualIncomeFen: 3_000_000 }),
      child(),
    ];
    const assessment = assess(familyOfThree({ members }));
    expect(assessment.incomeTier).toBeNull();
    expect(assessment.eligibility.reasons.map((r) => r.code)).toEqual(['INCOME_ABOVE_LIMIT']);
  });

  it('a household with only non-residential property is a no-housing household', () => {
    const assessment = assess(
      familyOfThree({ properties: [property({ kind: 'non_residential', areaCenti: 8000 })] }),
    );
    expect(assessment).toMatchObject({
      countedAreaCenti: 0,
      hasHousing: false,
      areaTier: 'none',
      perCapitaAreaCenti: 0,
    });
    expect(assessment.eligibility.eligible).toBe(true);
    expect(assessment.requiredMaterials).toContainEqual({
      type: 'housing_proof',
      propertyId: 'p1',
    });
  });

  it('a home sold after the transfer cut-off still counts and can make the household ineligible', () => {
    const sold = property({ areaCenti: 6000, transferredOn: '2025-09-01', transferReason: 'sale' });
    const assessment = assess(familyOfThree({ properties: [sold] }));
    expect(assessment.countedAreaCenti).toBe(6000);
    expect(assessment.eligibility.reasons.map((r) => r.code)).toEqual(['AREA_ABOVE_LIMIT']);
  });

  it('returns the figures the API shows, in yuan, m² and coefficients', () => {
    const members = [
      applicant({ annualIncomeFen: 1_000_000 }),
      spouse({ annualIncomeFen: 1 }),
      child(),
    ];
    const assessment = assess(
      familyOfThree({ members, properties: [property({ areaCenti: 2701 })] }),
    );
    expect(toApiFigures(assessment)).toEqual({
      persons: 3,
      householdIncome: 10000.01,
      perCapitaIncome: 3333.34,
      countedArea: 27.01,
      perCapitaArea: 9,
      incomeTier: 0.3,
      areaTier: 10,
    });
  });

  it.each([
    ['none', 'no housing', []],
    [null, 'above every bound', [property({ areaCenti: 9999 })]],
  ] as const)('shows the area tier as %p for %s', (tier, _what, properties) => {
    expect(toApiFigures(assess(familyOfThree({ properties: [...properties] }))).areaTier).toBe(
      tier,
    );
  });

  it('shows no income tier as null', () => {
    const members = [applicant({ annualIncomeFen: 9_000_000 }), spouse(), child()];
    expect(toApiFigures(assess(familyOfThree({ members }))).incomeTier).toBeNull();
  });

  it('lists the materials the declaration calls for', () => {
    const members = [applicant(), spouse({ hukouCommunityId: OTHER_COUNTY_COMMUNITY }), child()];
    const types = assess(familyOfThree({ members })).requiredMaterials.map((r) => r.type);
    expect(types).toEqual([
      'survey_form',
      'hukou_identity_proof',
      'income_employer_certificate',
      'hukou_identity_proof',
      'income_employer_certificate',
      'hukou_identity_proof',
      'marriage_certificate',
      'hukou_housing_certificate',
    ]);
  });

  it('reads each member’s identity from the ID number', () => {
    expect(assess(familyOfThree()).identities.map((i) => i.sex)).toEqual([
      'male',
      'female',
      'male',
    ]);
  });

  it('a malformed declaration yields every input error and no assessment', () => {
    const result = assessHousehold(
      familyOfThree({
        members: [
          applicant({ idNumber: '36012419900101123x' }),
          spouse(),
          child({ annualIncomeFen: 5 }),
        ],
        properties: [property({ transferReason: 'gift' })],
      }),
      TEST_RULES,
      testContext(),
    );
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual([
      'ID_LOWERCASE_X',
      'ID_CHECKSUM',
      'INCOME_WITH_SOURCE_NONE',
      'PROPERTY_OWNER_NOT_MEMBER',
      'PROPERTY_TRANSFER_INCOMPLETE',
    ]);
  });

  it('refuses to assess under invalid campaign rules', () => {
    const rules = { ...TEST_RULES, incomeCoefficients: [30, 90] };
    expect(() => assessHousehold(familyOfThree(), rules, testContext())).toThrow(
      CampaignRulesError,
    );
  });
});
