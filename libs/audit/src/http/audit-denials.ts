import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DenialListener, ErrorBody } from '@app/http';
import { AuditLog } from '../audit-log';
import { actorOf, requestContextOf, routeOf } from './request-context';

/**
 * One `access.denied` record per 401, 403 and 429 answer. A 404 for something
 * outside the caller's jurisdiction is not one of them: see the README.
 */
@Injectable()
export class AuditDenials extends DenialListener {
  constructor(private readonly audit: AuditLog) {
    super();
  }

  denied(req: Request, body: ErrorBody): Promise<void> {
    return this.audit.record({
      action: 'access.denied',
      outcome: 'denied',
      actor: actorOf(req),
      request: requestContextOf(req),
      detail: {
        status: body.statusCode,
        code: body.code,
        method: req.method,
        route: routeOf(req),
      },
    });
  }
}
