import { HttpStatus } from '@nestjs/common';

/** Seconds a client is asked to wait before repeating a request refused for an outage. */
const OUTAGE_RETRY_AFTER_SECONDS = 5;

export interface ErrorDetail {
  code: string;
  message: string;
  field?: string;
}

/**
 * An error the client is meant to see: an HTTP status, a stable code from the
 * contract and, for rule violations, every broken rule in `details`.
 * Domain and application code throw these; the exception filter renders them.
 */
export class AppError extends Error {
  /** Response headers that go with the error (Retry-After on a 429). */
  readonly headers: Record<string, string> = {};
  /**
   * The audit trail already holds this refusal under a more precise action (a
   * failed login): the exception filter does not record it again as a denial.
   */
  audited = false;

  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(code: string, message: string, details: ErrorDetail[] = []): AppError {
    return new AppError(HttpStatus.BAD_REQUEST, code, message, details);
  }
  static unauthorized(message = 'Authentication required'): AppError {
    return new AppError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', message);
  }
  static forbidden(message = 'Not allowed for this role'): AppError {
    return new AppError(HttpStatus.FORBIDDEN, 'FORBIDDEN', message);
  }
  /** Absent, or outside the caller's jurisdiction: the two are indistinguishable on purpose. */
  static notFound(what: string): AppError {
    return new AppError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${what} not found`);
  }
  static conflict(code: string, message: string): AppError {
    return new AppError(HttpStatus.CONFLICT, code, message);
  }
  /** 429 with the seconds to wait in Retry-After (RFC 9110 §10.2.3). */
  static rateLimited(message: string, retryAfterSeconds: number): AppError {
    const error = new AppError(HttpStatus.TOO_MANY_REQUESTS, 'RATE_LIMITED', message);
    error.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
    return error;
  }
  /** 503: PostgreSQL or Redis out of reach and nothing done; Retry-After says when to repeat. */
  static serviceUnavailable(
    message = 'A dependency is down',
    details: ErrorDetail[] = [],
  ): AppError {
    const error = new AppError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'SERVICE_UNAVAILABLE',
      message,
      details,
    );
    error.headers['Retry-After'] = String(OUTAGE_RETRY_AFTER_SECONDS);
    return error;
  }
  markAudited(): this {
    this.audited = true;
    return this;
  }
  static unprocessable(code: string, message: string, details: ErrorDetail[] = []): AppError {
    return new AppError(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
}
