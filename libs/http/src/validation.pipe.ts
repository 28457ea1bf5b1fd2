import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';

/**
 * Refuses unknown fields (never silently drops them) and reports every broken
 * constraint at once, each with its field path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      AppError.badRequest('VALIDATION_FAILED', 'The request is not valid', flatten(errors)),
  });
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      code: rule === 'whitelistValidation' ? 'UNKNOWN_FIELD' : 'INVALID_FIELD',
      field,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
