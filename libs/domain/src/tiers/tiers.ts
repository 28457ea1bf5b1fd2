import type { CampaignRules } from '../campaign';
import { perCapitaAreaWithin, perCapitaIncomeWithin } from '../per-capita';
import type { Centi, Fen, Hundredths } from '../units';

/** The income coefficient in hundredths (30 = 0.3), or null above the last one. */
export type IncomeTier = Hundredths | null;
/** 'none' for a no-housing household, the bound in centi-m², or null above the last bound. */
export type AreaTier = 'none' | Centi | null;

/**
 * The smallest coefficient c with per-capita income <= c * reference
 * (以下 includes the bound): tier 0.3 covers 0 .. 0.3·ref, tier 0.4 covers
 * (0.3·ref, 0.4·ref], and so on.
 */
export function incomeTier(
  householdIncomeFen: Fen,
  persons: number,
  rules: Pick<CampaignRules, 'incomeCoefficients' | 'referenceIncomeFen'>,
): IncomeTier {
  const tier = rules.incomeCoefficients.find((c) =>
    perCapitaIncomeWithin(householdIncomeFen, persons, c, rules.referenceIncomeFen),
  );
  return tier ?? null;
}

/**
 * 'none' without a counted home, else the smallest bound b with per-capita
 * area <= b: (0, 5] -> 5, (5, 6] -> 6 ... Every counted property has a positive
 * area, so a counted area of 0 means no counted home.
 */
export function areaTier(
  countedAreaCenti: Centi,
  persons: number,
  rules: Pick<CampaignRules, 'areaTierBoundsCenti'>,
): AreaTier {
  if (countedAreaCenti === 0) return 'none';
  const tier = rules.areaTierBoundsCenti.find((b) =>
    perCapitaAreaWithin(countedAreaCenti, persons, b),
  );
  return tier ?? null;
}
