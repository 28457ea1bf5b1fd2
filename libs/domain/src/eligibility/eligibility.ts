import type { CampaignRules } from '../campaign';
import { compositionReasons, type Household } from '../household';
import { hukouReasons } from '../hukou';
import { perCapitaAreaWithin, perCapitaIncomeWithin } from '../per-capita';
import type { EligibilityReason } from '../shared';
import { checkedMul, formatSquareMetres, formatYuan, type Centi, type Fen } from '../units';

export interface Eligibility {
  readonly eligible: boolean;
  /** Every reason at once, in a stable order; empty when eligible. */
  readonly reasons: readonly EligibilityReason[];
}

export interface EligibilityContext {
  /** The county's urban communities: local urban hukou means one of these. */
  readonly countyCommunityIds: ReadonlySet<string>;
  /** ID numbers in another live application of the same campaign (not this one). */
  readonly idNumbersInOtherLiveApplications: ReadonlySet<string>;
}

export interface HouseholdFigures {
  readonly householdIncomeFen: Fen;
  readonly countedAreaCenti: Centi;
}

function otherApplicationReasons(
  household: Household,
  context: EligibilityContext,
): EligibilityReason[] {
  return household.members
    .filter((m) => context.idNumbersInOtherLiveApplications.has(m.idNumber))
    .map((m) => ({
      code: 'MEMBER_IN_OTHER_APPLICATION' as const,
      message: `${m.name}:已在本次调查的另一份有效申报中`,
      memberIdNumber: m.idNumber,
    }));
}

function areaReasons(
  countedAreaCenti: Centi,
  persons: number,
  rules: CampaignRules,
): EligibilityReason[] {
  if (perCapitaAreaWithin(countedAreaCenti, persons, rules.areaLimitCenti)) return [];
  const limit = formatSquareMetres(rules.areaLimitCenti);
  const total = formatSquareMetres(checkedMul(rules.areaLimitCenti, persons));
  return [
    {
      code: 'AREA_ABOVE_LIMIT',
      message: `人均住房建筑面积超过 ${limit} 平方米:${persons} 人共 ${formatSquareMetres(countedAreaCenti)} 平方米,上限 ${total} 平方米`,
    },
  ];
}

function incomeReasons(
  householdIncomeFen: Fen,
  persons: number,
  rules: CampaignRules,
): EligibilityReason[] {
  if (perCapitaIncomeWithin(householdIncomeFen, persons, 100, rules.referenceIncomeFen)) return [];
  const reference = formatYuan(rules.referenceIncomeFen);
  const total = formatYuan(checkedMul(rules.referenceIncomeFen, persons));
  return [
    {
      code: 'INCOME_ABOVE_LIMIT',
      message: `人均年可支配收入超过 ${reference} 元:${persons} 人共 ${formatYuan(householdIncomeFen)} 元,上限 ${total} 元`,
    },
  ];
}

/**
 * Eligible when the composition is valid, every member has local hukou in time,
 * no member is in another live application, per-capita area <= the area limit
 * and per-capita income <= the reference income (both bounds included).
 */
export function evaluateEligibility(
  household: Household,
  figures: HouseholdFigures,
  rules: CampaignRules,
  context: EligibilityContext,
): Eligibility {
  const persons = household.members.length;
  const reasons = [
    ...compositionReasons(household.members, rules.ageCutoffDate),
    ...hukouReasons(household.members, rules.hukouCutoffDate, context.countyCommunityIds),
    ...otherApplicationReasons(household, context),
    ...areaReasons(figures.countedAreaCenti, persons, rules),
    ...incomeReasons(figures.householdIncomeFen, persons, rules),
  ];
  return { eligible: reasons.length === 0, reasons };
}
