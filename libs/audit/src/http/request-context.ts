import type { Request } from 'express';
import { normaliseAddress, requestIdOf } from '@app/http';
import type { AuditActor, AuditRequest } from '../audit-entry';

/** The request's id and client address, as the audit trail keeps them. */
export function requestContextOf(req: Request): AuditRequest {
  return { id: requestIdOf(req), ip: normaliseAddress(req.ip) };
}

/** The authenticated caller the access guard put on the request, if it got that far. */
export function actorOf(req: Request): AuditActor | null {
  const user = (req as Request & { user?: { id?: unknown; role?: unknown } }).user;
  return typeof user?.id === 'string' && typeof user.role === 'string'
    ? { id: user.id, role: user.role }
    : null;
}

/** The route's pattern (`/api/users/:id`), never the path as sent, which may carry anything. */
export function routeOf(req: Request): string | null {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path.slice(0, 120) : null;
}
