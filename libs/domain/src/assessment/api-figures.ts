import { centiToSquareMetres, fenToYuan, hundredthsToCoefficient } from '../units';
import type { HouseholdAssessment } from './assess-household';

/** The figures of GET /api/applications/:id, in yuan, m² and coefficients. */
export interface ApiFigures {
  readonly persons: number;
  readonly householdIncome: number;
  readonly perCapitaIncome: number;
  readonly countedArea: number;
  readonly perCapitaArea: number;
  /** 0.3 … 1.0, or null. */
  readonly incomeTier: number | null;
  /** 'none', 5 … 10, or null. */
  readonly areaTier: 'none' | number | null;
}

export function toApiFigures(assessment: HouseholdAssessment): ApiFigures {
  const { areaTier, incomeTier } = assessment;
  return {
    persons: assessment.persons,
    householdIncome: fenToYuan(assessment.householdIncomeFen),
    perCapitaIncome: fenToYuan(assessment.perCapitaIncomeFen),
    countedArea: centiToSquareMetres(assessment.countedAreaCenti),
    perCapitaArea: centiToSquareMetres(assessment.perCapitaAreaCenti),
    incomeTier: incomeTier === null ? null : hundredthsToCoefficient(incomeTier),
    areaTier: areaTier === null || areaTier === 'none' ? areaTier : centiToSquareMetres(areaTier),
  };
}
