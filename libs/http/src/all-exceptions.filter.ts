import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from './app-error';
import { DENIAL_STATUSES, DenialListener } from './denial-listener';
import { isDependencyOutage } from './dependency-outage';
import { ErrorBody, errorBody } from './error-body';
import { pastGuards } from './past-guards';
import { loggableError } from './loggable-error';

/**
 * Renders every error in the contract's shape. Unknown errors become a bare
 * 500: no stack, SQL or driver message ever reaches the client. PostgreSQL or
 * Redis out of reach is 503 SERVICE_UNAVAILABLE with Retry-After, telling
 * the client to repeat the request, where that is safe: a read, or any
 * request that failed in its guards (authentication, which only reads; see
 * markPastGuards). A write that failed later may have committed part of its
 * work, or all of it under a COMMIT whose answer was lost: its outcome is
 * unknown, 500. (Commands answer their own outages: see TransitionQueue.run.)
 * A denial
 * (401, 403, 429) is told to the listener (the audit trail) before it is
 * answered, so that a client that has its answer finds the record written.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly denials?: DenialListener) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    // An outage the client may repeat is answered as AppError.serviceUnavailable (with its Retry-After).
    const error =
      isDependencyOutage(exception) && safeToRepeat(request)
        ? AppError.serviceUnavailable()
        : exception;
    const body = this.toBody(error);
    // Never the error object itself: its properties may hold the request's data (see loggableError).
    if (body.statusCode >= 500) {
      this.logger.error({ error: loggableError(exception) }, 'request failed');
    }
    // A stream that failed halfway (an export): the status is gone, so cut the
    // connection rather than leave the client waiting or with a truncated file that looks whole.
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const answer = (): void => {
      if (error instanceof AppError) {
        for (const [name, value] of Object.entries(error.headers)) {
          response.setHeader(name, value);
        }
      }
      response.status(body.statusCode).json(body);
    };
    const audited = error instanceof AppError && error.audited;
    if (!this.denials || audited || !DENIAL_STATUSES.includes(body.statusCode)) return answer();
    // The denial is answered even when it could not be recorded.
    this.denials.denied(request, body).then(answer, (failure: unknown) => {
      this.logger.error(`denial not recorded: ${(failure as Error).message}`);
      answer();
    });
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof AppError) {
      return errorBody(exception.status, exception.code, exception.message, exception.details);
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL_ERROR', 'Internal server error');
  }
}

/** A read, or a request stopped in its guards, before its handler did anything. */
function safeToRepeat(request: Request): boolean {
  return ['GET', 'HEAD', 'OPTIONS'].includes(request.method) || !pastGuards(request);
}

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'code' in response) {
    const r = response as Partial<ErrorBody>;
    return errorBody(status, r.code, r.message ?? exception.message, r.details ?? []);
  }
  // Framework errors (404 route, 413 from multer, ...) keep their status, get our shape.
  return errorBody(status, undefined, exception.message);
}
