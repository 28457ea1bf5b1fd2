import { registerDecorator, ValidationOptions } from 'class-validator';
import { isIsoDate } from '@app/calendar';

/**
 * A date of the contract, `YYYY-MM-DD`, that exists: `2025-02-30` is as
 * malformed as `2025/02/28`, a 400 before any rule runs (it used to pass the
 * pattern and reach the domain, which answered 422).
 */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a date YYYY-MM-DD that exists', ...options },
      validator: {
        // isIsoDate checks the pattern too, then that the day exists.
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value),
      },
    });
}
