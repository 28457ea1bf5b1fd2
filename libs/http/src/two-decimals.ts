import { registerDecorator, ValidationOptions } from 'class-validator';
import { toHundredths } from '@app/domain';

/**
 * The contract sends money (yuan), area (m²) and coefficients as JSON numbers
 * with at most two decimals; anything else is a 400 before any rule runs. The
 * judgement is the domain's exact reading (`toHundredths`), so the HTTP layer and
 * the rules can never disagree on what a number means.
 */
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
        validate: (value: unknown) => {
          const read = toHundredths(value, bounds.max);
          return read.ok && read.value >= Math.round(min * 100);
        },
      },
    });
}
