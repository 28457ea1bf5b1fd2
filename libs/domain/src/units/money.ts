import { formatHundredths, hundredthsToNumber, toHundredths } from './decimal';
import { unitError, type UnitResult } from './unit-error';

/** Money is an integer number of fen (0.01 yuan). */
export type Fen = number;

/** The largest amount accepted: one member's annual income, or the reference income. */
export const MAX_MONEY_YUAN = 100_000_000;
export const MAX_MONEY_FEN: Fen = MAX_MONEY_YUAN * 100;

export function parseYuanToFen(yuan: unknown): UnitResult {
  const result = toHundredths(yuan, MAX_MONEY_YUAN);
  return result.ok
    ? result
    : { ok: false, error: unitError('INVALID_MONEY', '金额', result.reason) };
}

export function isValidFen(fen: unknown): fen is Fen {
  return Number.isSafeInteger(fen) && (fen as number) >= 0 && (fen as number) <= MAX_MONEY_FEN;
}

/** For the API: 1234 fen -> 12.34 (a JSON number with exactly these two decimals). */
export function fenToYuan(fen: Fen): number {
  return hundredthsToNumber(fen);
}

/** For messages: 1234 fen -> "12.34". */
export function formatYuan(fen: Fen): string {
  return formatHundredths(fen);
}
