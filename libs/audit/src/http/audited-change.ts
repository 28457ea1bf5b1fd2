import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { concatMap, Observable } from 'rxjs';
import type { AuditAction } from '../audit-actions';
import type { AuditDetail, AuditTarget } from '../audit-entry';
import { AuditLog } from '../audit-log';
import { actorOf, requestContextOf } from './request-context';

/** What a change's record is made of: the handler's answer and the path's parameters. */
export interface ChangeContext<R> {
  result: R;
  params: Record<string, string>;
}

export interface AuditedChangeSpec<R> {
  action: AuditAction;
  target: (c: ChangeContext<R>) => AuditTarget;
  detail?: (c: ChangeContext<R>) => AuditDetail;
}

const AUDITED_CHANGE = 'audit:change';

/**
 * Marks an admin write route: once the handler has succeeded, one record of
 * `action` is written before the answer leaves. A refused call writes none
 * here (a 401/403 is recorded as access.denied by the exception filter).
 */
export function AuditedChange<R>(spec: AuditedChangeSpec<R>): MethodDecorator {
  return applyDecorators(
    SetMetadata(AUDITED_CHANGE, spec),
    UseInterceptors(AuditedChangeInterceptor),
  );
}

@Injectable()
export class AuditedChangeInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditedChangeSpec<unknown> | undefined>(
      AUDITED_CHANGE,
      context.getHandler(),
    );
    if (!spec) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        await this.record(spec, req, result);
        return result;
      }),
    );
  }

  /**
   * The change has committed by now: a record that cannot be written is logged
   * as an error, not turned into a 500 that would invite the client to repeat it.
   */
  private async record(spec: AuditedChangeSpec<unknown>, req: Request, result: unknown) {
    const change = { result, params: req.params as Record<string, string> };
    try {
      await this.audit.record({
        action: spec.action,
        outcome: 'succeeded',
        actor: actorOf(req),
        target: spec.target(change),
        request: requestContextOf(req),
        detail: spec.detail?.(change) ?? {},
      });
    } catch (error) {
      this.logger.error(`${spec.action} not recorded: ${(error as Error).message}`);
    }
  }
}
