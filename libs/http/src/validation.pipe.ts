import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';
import { jsonBodyProblem } from './json-body-shape';

/**
 * class-transformer drops `__proto__`, `constructor` and `prototype` keys
 * without a word, so forbidNonWhitelisted never sees them, and it recurses, so
 * a body nested thousands deep overflows the stack. Every body, query and
 * upload form passes here first: both are refused before transforming.
 */
class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problem = jsonBodyProblem(value);
      if (problem) {
        throw new AppError(problem.statusCode, problem.code, problem.message, problem.details);
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/**
 * Refuses unknown fields (never silently drops them) and reports every broken
 * constraint at once, each with its field path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
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
