import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * The contract sends money (yuan), area (m²) and coefficients as JSON numbers with
 * at most two decimals. Judged on the number's shortest decimal form, which is
 * what the client wrote: 12.34 passes, 12.345, 1e-7, NaN-like and negative values do not.
 */
export function hasAtMostTwoDecimals(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && /^\d+(\.\d{1,2})?$/.test(String(value))
  );
}

/** Hundredths as an exact integer: yuan → fen, m² → 0.01 m², 0.3 → 30. */
export function toHundredths(value: number): number {
  if (!hasAtMostTwoDecimals(value))
    throw new RangeError(`${String(value)} has more than two decimals`);
  return Math.round(value * 100);
}

export function fromHundredths(value: number): number {
  return value / 100;
}

/** A non-negative JSON number with at most two decimals, within [min, max]. */
export function IsTwoDecimalNumber(
  bounds: { min?: number; max: number },
  options?: ValidationOptions,
): PropertyDecorator {
  const min = bounds.min ?? 0;
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isTwoDecimalNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a number from ${min} to ${bounds.max} with at most two decimals`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          hasAtMostTwoDecimals(value) && value >= min && value <= bounds.max,
      },
    });
}
