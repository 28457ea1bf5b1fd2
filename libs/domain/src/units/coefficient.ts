import { hundredthsToNumber, toHundredths } from './decimal';
import { unitError, type UnitResult } from './unit-error';

/** Income coefficients are integer hundredths: 0.3 -> 30, 1.0 -> 100. */
export type Hundredths = number;

export const MAX_COEFFICIENT = 1;

export function parseCoefficientToHundredths(coefficient: unknown): UnitResult {
  const result = toHundredths(coefficient, MAX_COEFFICIENT);
  return result.ok
    ? result
    : { ok: false, error: unitError('INVALID_COEFFICIENT', '收入系数', result.reason) };
}

/** For the API: 30 -> 0.3. */
export function hundredthsToCoefficient(hundredths: Hundredths): number {
  return hundredthsToNumber(hundredths);
}
