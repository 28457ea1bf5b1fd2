import { PipeTransform } from '@nestjs/common';
import { AppError } from './app-error';

/**
 * For a command that takes no body (submit, withdraw): the contract refuses
 * unknown fields, never ignores them, and on these routes every field is
 * unknown. No body, or an empty JSON object, is what they take; anything else
 * is 400 VALIDATION_FAILED naming each field, as the validation pipe would.
 */
export class NoBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw AppError.badRequest('VALIDATION_FAILED', 'This request takes no body');
    const fields = Object.keys(value);
    if (fields.length === 0) return undefined;
    throw AppError.badRequest(
      'VALIDATION_FAILED',
      'This request takes no body',
      fields.map((field) => ({
        code: 'UNKNOWN_FIELD',
        field,
        message: `property ${field} should not exist`,
      })),
    );
  }
}
