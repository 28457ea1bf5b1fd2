import { formatHundredths, hundredthsToNumber, toHundredths } from './decimal';
import { unitError, type UnitResult } from './unit-error';

/** Area is an integer number of centi-square-metres (0.01 m²). */
export type Centi = number;

/** The largest construction area accepted for one property. */
export const MAX_AREA_SQUARE_METRES = 100_000;
export const MAX_AREA_CENTI: Centi = MAX_AREA_SQUARE_METRES * 100;

export function parseSquareMetresToCenti(squareMetres: unknown): UnitResult {
  const result = toHundredths(squareMetres, MAX_AREA_SQUARE_METRES);
  return result.ok
    ? result
    : { ok: false, error: unitError('INVALID_AREA', '面积', result.reason) };
}

export function isValidCenti(centi: unknown): centi is Centi {
  return (
    Number.isSafeInteger(centi) && (centi as number) >= 0 && (centi as number) <= MAX_AREA_CENTI
  );
}

/** For the API: 1234 centi -> 12.34 m². */
export function centiToSquareMetres(centi: Centi): number {
  return hundredthsToNumber(centi);
}

/** For messages: 1234 centi -> "12.34". */
export function formatSquareMetres(centi: Centi): string {
  return formatHundredths(centi);
}
