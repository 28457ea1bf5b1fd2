import { assertValidCampaignRules, type CampaignRules } from '../campaign';
import type { IsoDate } from '../dates';
import { evaluateEligibility, type Eligibility, type EligibilityContext } from '../eligibility';
import { validateHousehold, type Household, type HouseholdDeclaration } from '../household';
import { assessHousing, type PropertyAssessment } from '../housing';
import type { ResidentIdentity } from '../identity-number';
import { householdIncomeFen } from '../income';
import { requiredMaterials, type MaterialRequirement } from '../materials';
import { perCapitaForDisplay } from '../per-capita';
import type { InputError } from '../shared';
import { areaTier, incomeTier, type AreaTier, type IncomeTier } from '../tiers';
import type { Centi, Fen } from '../units';

export interface AssessmentContext extends EligibilityContext {
  /** Today in Asia/Shanghai: ID birth dates after it are refused. */
  readonly today: IsoDate;
}

export interface HouseholdAssessment {
  readonly household: Household;
  readonly persons: number;
  readonly householdIncomeFen: Fen;
  /** Display only, rounded half up to the fen; comparisons never use it. */
  readonly perCapitaIncomeFen: Fen;
  readonly countedAreaCenti: Centi;
  /** Display only, rounded half up to 0.01 m²; comparisons never use it. */
  readonly perCapitaAreaCenti: Centi;
  readonly hasHousing: boolean;
  readonly properties: readonly PropertyAssessment[];
  readonly identities: readonly ResidentIdentity[];
  readonly incomeTier: IncomeTier;
  readonly areaTier: AreaTier;
  readonly eligibility: Eligibility;
  readonly requiredMaterials: readonly MaterialRequirement[];
}

export type AssessmentResult =
  | { readonly ok: true; readonly assessment: HouseholdAssessment }
  | { readonly ok: false; readonly errors: readonly InputError[] };

/**
 * Everything the service needs to know about a declared household under a
 * campaign's rules. A malformed declaration yields every input error and no
 * assessment; a well-formed one yields figures, tiers, eligibility with every
 * reason, and the materials checklist. Throws CampaignRulesError on invalid
 * rules (they are validated when the campaign is created).
 */
export function assessHousehold(
  declaration: HouseholdDeclaration,
  rules: CampaignRules,
  context: AssessmentContext,
): AssessmentResult {
  assertValidCampaignRules(rules);
  const validation = validateHousehold(declaration, context.today);
  if (!validation.ok) return validation;

  const { household } = validation;
  const persons = household.members.length;
  const income = householdIncomeFen(household.members);
  const housing = assessHousing(household.properties, rules.transferCutoffDate);
  const figures = { householdIncomeFen: income, countedAreaCenti: housing.countedAreaCenti };
  return {
    ok: true,
    assessment: {
      household,
      persons,
      householdIncomeFen: income,
      perCapitaIncomeFen: perCapitaForDisplay(income, persons),
      countedAreaCenti: housing.countedAreaCenti,
      perCapitaAreaCenti: perCapitaForDisplay(housing.countedAreaCenti, persons),
      hasHousing: housing.hasHousing,
      properties: housing.properties,
      identities: household.members.map((m) => m.identity),
      incomeTier: incomeTier(income, persons, rules),
      areaTier: areaTier(housing.countedAreaCenti, persons, rules),
      eligibility: evaluateEligibility(household, figures, rules, context),
      requiredMaterials: requiredMaterials(household),
    },
  };
}
