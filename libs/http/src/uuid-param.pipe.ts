import { ParseUUIDPipe } from '@nestjs/common';
import { AppError } from './app-error';

/** A path id that is not a UUID is a 400 in the same shape as every other validation error. */
export function ParseUuid(): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () =>
      AppError.badRequest('VALIDATION_FAILED', 'The id in the path is not a UUID', [
        { code: 'INVALID_FIELD', field: 'id', message: 'must be a UUID' },
      ]),
  });
}

/** An Idempotency-Key header: 1–200 printable characters, or a 400. */
export function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) {
    throw AppError.badRequest(
      'VALIDATION_FAILED',
      'Idempotency-Key must be 1-200 printable ASCII characters',
    );
  }
  return value;
}
