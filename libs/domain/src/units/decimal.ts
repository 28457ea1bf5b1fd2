/**
 * Reads a JSON number with at most two decimals as an exact count of hundredths.
 * The number's own shortest decimal form (String(n)) is what the client sent,
 * so 12.34 is read as "12.34" -> 1234, never as 12.34 * 100 = 1233.9999999999998.
 */
export type DecimalRefusal =
  'NOT_A_NUMBER' | 'NOT_FINITE' | 'NEGATIVE' | 'TOO_LARGE' | 'TOO_MANY_DECIMALS';

export type HundredthsResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: DecimalRefusal };

const AT_MOST_TWO_DECIMALS = /^([0-9]+)(?:\.([0-9]{1,2}))?$/;

export function toHundredths(value: unknown, maxWhole: number): HundredthsResult {
  if (typeof value !== 'number' || Number.isNaN(value))
    return { ok: false, reason: 'NOT_A_NUMBER' };
  if (!Number.isFinite(value)) return { ok: false, reason: 'NOT_FINITE' };
  if (value < 0) return { ok: false, reason: 'NEGATIVE' };
  if (value > maxWhole) return { ok: false, reason: 'TOO_LARGE' };
  // Below 1e-6 String() switches to exponent form ("1e-7"): more than two decimals anyway.
  const match = AT_MOST_TWO_DECIMALS.exec(String(value));
  if (!match) return { ok: false, reason: 'TOO_MANY_DECIMALS' };
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return { ok: true, value: whole * 100 + fraction };
}

/** 1234 -> "12.34", exact (integer arithmetic, no float formatting). */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const magnitude = Math.abs(hundredths);
  const fraction = magnitude % 100;
  return `${sign}${(magnitude - fraction) / 100}.${String(fraction).padStart(2, '0')}`;
}

/** 1234 -> 12.34: the nearest double, whose shortest decimal form is exactly "12.34". */
export function hundredthsToNumber(hundredths: number): number {
  if (!Number.isSafeInteger(hundredths)) throw new RangeError(`${hundredths} is not an integer`);
  return hundredths / 100;
}
