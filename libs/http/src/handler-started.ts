import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

const HANDLER_STARTED = Symbol('handlerStarted');

/**
 * Marks a request once its guards have let it through, before its route's own
 * interceptors, pipes and handler run: up to then it has only read (the
 * caller's account), so a failure there leaves nothing done that a repeat
 * would do twice. The exception filter reads the mark.
 */
@Injectable()
export class HandlerStartedInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    markHandlerStarted(context.switchToHttp().getRequest<Request>());
    return next.handle();
  }
}

export function markHandlerStarted(request: Request): void {
  (request as Request & { [HANDLER_STARTED]?: true })[HANDLER_STARTED] = true;
}

export function handlerStarted(request: Request): boolean {
  return (request as Request & { [HANDLER_STARTED]?: true })[HANDLER_STARTED] === true;
}
