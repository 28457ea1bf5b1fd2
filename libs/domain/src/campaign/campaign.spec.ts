import {
  assertValidCampaignRules,
  CampaignRulesError,
  NOTICE_DEFAULTS,
  noticeDates,
  noticeRules,
  validateCampaignRules,
  type CampaignRules,
} from '.';

function catchError(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

const valid = noticeRules(2025, 2_000_000);
const issuesOf = (overrides: Partial<CampaignRules>) =>
  validateCampaignRules({ ...valid, ...overrides }).map((i) => [i.code, i.field]);

describe('campaign rules', () => {
  it("the notice's defaults: 10 m², coefficients 0.3 … 1.0, bounds 5 … 10 m²", () => {
    expect(NOTICE_DEFAULTS.areaLimitCenti).toBe(1000);
    expect(NOTICE_DEFAULTS.incomeCoefficients).toEqual([30, 40, 50, 60, 70, 80, 90, 100]);
    expect(NOTICE_DEFAULTS.areaTierBoundsCenti).toEqual([500, 600, 700, 800, 900, 1000]);
    expect(NOTICE_DEFAULTS.reviewWorkingDays).toEqual({ community: 5, town: 10, bureau: 15 });
    expect(NOTICE_DEFAULTS.noticeDays).toBe(5);
  });

  it("the notice's dates for survey year 2025", () => {
    expect(noticeDates(2025)).toEqual({
      ageCutoffDate: '2025-08-31',
      hukouCutoffDate: '2024-12-31',
      transferCutoffDate: '2025-08-31',
      opensOn: '2025-09-01',
      closesOn: '2025-10-26',
      reportDueOn: '2025-10-28',
    });
  });

  it("the notice's rules are valid", () => {
    expect(validateCampaignRules(valid)).toEqual([]);
    expect(() => assertValidCampaignRules(valid)).not.toThrow();
  });

  it('the defaults cannot be changed by accident', () => {
    expect(Object.isFrozen(NOTICE_DEFAULTS.incomeCoefficients)).toBe(true);
  });

  it.each<[string, Partial<CampaignRules>, string[][]]>([
    [
      'a zero reference income',
      { referenceIncomeFen: 0 },
      [['RULES_REFERENCE_INCOME', 'referenceIncomeFen']],
    ],
    [
      'a fractional reference income',
      { referenceIncomeFen: 1.5 },
      [['RULES_REFERENCE_INCOME', 'referenceIncomeFen']],
    ],
    [
      'an absurd reference income',
      { referenceIncomeFen: 1e11 },
      [['RULES_REFERENCE_INCOME', 'referenceIncomeFen']],
    ],
    [
      'a zero area limit (and so a last bound off the limit)',
      { areaLimitCenti: 0 },
      [
        ['RULES_AREA_LIMIT', 'areaLimitCenti'],
        ['RULES_AREA_TIER_BOUNDS', 'areaTierBoundsCenti'],
      ],
    ],
    [
      'no coefficients',
      { incomeCoefficients: [] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'coefficients not increasing',
      { incomeCoefficients: [30, 50, 40, 100] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'a repeated coefficient',
      { incomeCoefficients: [30, 30, 100] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'a last coefficient below 1.0',
      { incomeCoefficients: [30, 90] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'a coefficient above 1.0',
      { incomeCoefficients: [30, 100, 110] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'a zero coefficient',
      { incomeCoefficients: [0, 100] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'a fractional coefficient',
      { incomeCoefficients: [30.5, 100] },
      [['RULES_INCOME_COEFFICIENTS', 'incomeCoefficients']],
    ],
    [
      'no area bounds',
      { areaTierBoundsCenti: [] },
      [['RULES_AREA_TIER_BOUNDS', 'areaTierBoundsCenti']],
    ],
    [
      'bounds not increasing',
      { areaTierBoundsCenti: [600, 500, 1000] },
      [['RULES_AREA_TIER_BOUNDS', 'areaTierBoundsCenti']],
    ],
    [
      'a last bound off the limit',
      { areaTierBoundsCenti: [500, 900] },
      [['RULES_AREA_TIER_BOUNDS', 'areaTierBoundsCenti']],
    ],
    [
      'a zero bound',
      { areaTierBoundsCenti: [0, 1000] },
      [['RULES_AREA_TIER_BOUNDS', 'areaTierBoundsCenti']],
    ],
    [
      'an impossible age cut-off',
      { ageCutoffDate: '2025-02-30' },
      [['RULES_DATE', 'ageCutoffDate']],
    ],
    [
      'a malformed hukou cut-off',
      { hukouCutoffDate: '2024/12/31' },
      [['RULES_DATE', 'hukouCutoffDate']],
    ],
    [
      'a malformed transfer cut-off',
      { transferCutoffDate: '' },
      [['RULES_DATE', 'transferCutoffDate']],
    ],
  ])('refuses %s', (_what, overrides, issues) => {
    expect(issuesOf(overrides)).toEqual(issues);
  });

  it('accepts any number of tiers, not just eight and six', () => {
    expect(
      issuesOf({
        incomeCoefficients: [50, 100],
        areaTierBoundsCenti: [1200],
        areaLimitCenti: 1200,
      }),
    ).toEqual([]);
  });

  it('assertValidCampaignRules throws every issue', () => {
    const broken = { ...valid, referenceIncomeFen: -1, incomeCoefficients: [] };
    const thrown = catchError(() => assertValidCampaignRules(broken));
    expect(thrown).toBeInstanceOf(CampaignRulesError);
    expect((thrown as CampaignRulesError).issues.map((i) => i.code)).toEqual([
      'RULES_REFERENCE_INCOME',
      'RULES_INCOME_COEFFICIENTS',
    ]);
  });
});
