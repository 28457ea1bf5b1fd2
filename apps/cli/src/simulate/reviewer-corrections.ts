import type { CorrectionsPayload } from '@app/queue';
import type { IncomeSource } from '@app/domain';
import { Random } from './random';

/** What a reviewer's correction reads and changes of one household (its current figures). */
export interface CorrectableHousehold {
  persons: number;
  householdIncomeFen: number;
  countedAreaCenti: number;
  members: { idNumber: string; incomeSource: IncomeSource; annualIncomeFen: number }[];
  properties: { id: string; areaCenti: number; counted: boolean }[];
}

export interface Correction {
  /** As DecisionDto's `corrections` takes it: yuan and m². */
  payload: CorrectionsPayload;
  /** Applies it to the household's figures, once the service has accepted it. */
  apply: () => void;
}

/**
 * A reviewer's correction after investigating. A minor one keeps the household
 * eligible: a counted home's area or an earner's income a little off (within
 * ±3 m² or ±3,000 yuan, never above the limits). A disqualifying one finds an
 * earner's income high enough to put the household above the reference. Null
 * when there is nothing to correct (no earner, and no counted home for a minor one).
 */
export function reviewerCorrection(
  h: CorrectableHousehold,
  kind: 'minor' | 'disqualifying',
  limits: { referenceIncomeFen: number; areaLimitCenti: number },
  rng: Random,
): Correction | null {
  const homes = h.properties.filter((p) => p.counted);
  const earners = h.members.filter((m) => m.incomeSource !== 'none');
  if (kind === 'minor' && homes.length > 0 && (earners.length === 0 || rng.chance(0.5))) {
    const home = rng.pick(homes);
    const room = limits.areaLimitCenti * h.persons - h.countedAreaCenti;
    const change = Math.max(1 - home.areaCenti, Math.min(room, rng.int(-300, 300)));
    const after = home.areaCenti + change;
    return {
      payload: { properties: [{ id: home.id, area: after / 100 }] },
      apply: () => {
        home.areaCenti = after;
        h.countedAreaCenti += change;
      },
    };
  }
  if (earners.length === 0) return null;
  const member = rng.pick(earners);
  const room = limits.referenceIncomeFen * h.persons - h.householdIncomeFen;
  const change =
    kind === 'disqualifying'
      ? room + rng.int(100_000, 500_000)
      : Math.max(-member.annualIncomeFen, Math.min(room, rng.int(-300_000, 300_000)));
  const after = member.annualIncomeFen + change;
  return {
    payload: { members: [{ idNumber: member.idNumber, annualIncome: after / 100 }] },
    apply: () => {
      member.annualIncomeFen = after;
      h.householdIncomeFen += change;
    },
  };
}
