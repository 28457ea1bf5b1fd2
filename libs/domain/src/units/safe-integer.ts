/**
 * Money and area are plain numbers holding integers (fen, centi-m²) so that they
 * travel to JSON and PostgreSQL unchanged. The named maxima keep every sum and
 * product far below 2^53; these checks turn any breach into a loud error instead
 * of a silently wrong comparison.
 */
export class UnsafeIntegerError extends Error {
  readonly code = 'UNSAFE_INTEGER';

  constructor(what: string) {
    super(`${what} is not a safe integer`);
    this.name = 'UnsafeIntegerError';
  }
}

export function assertSafeInteger(value: number, what = 'value'): number {
  if (!Number.isSafeInteger(value)) throw new UnsafeIntegerError(what);
  return value;
}

export function checkedAdd(a: number, b: number): number {
  assertSafeInteger(a, 'addend');
  assertSafeInteger(b, 'addend');
  return assertSafeInteger(a + b, 'sum');
}

export function checkedMul(...factors: readonly number[]): number {
  return factors.reduce((product, factor) => {
    assertSafeInteger(factor, 'factor');
    return assertSafeInteger(product * factor, 'product');
  }, 1);
}

export function checkedSum(values: readonly number[]): number {
  return values.reduce(checkedAdd, 0);
}

/** numerator / denominator rounded half up, for non-negative integers; exact. */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  assertSafeInteger(numerator, 'numerator');
  assertSafeInteger(denominator, 'denominator');
  if (numerator < 0 || denominator <= 0) {
    throw new RangeError('divideRoundHalfUp needs numerator >= 0 and denominator > 0');
  }
  const remainder = numerator % denominator;
  const quotient = (numerator - remainder) / denominator;
  return remainder * 2 >= denominator ? quotient + 1 : quotient;
}
