import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export type RequestWithId = Request & { id?: unknown };

/**
 * Gives every request an id, answered in X-Request-Id and used by the logs
 * (pino-http keeps an id already set) and the audit trail. A proxy's id is
 * taken over only from a trusted proxy: otherwise any client could name its
 * requests after someone else's.
 */
export function requestId({ trustIncoming }: { trustIncoming: boolean }) {
  return (req: RequestWithId, res: Response, next: NextFunction): void => {
    const incoming = req.header(REQUEST_ID_HEADER);
    const id =
      trustIncoming && incoming && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

export function requestIdOf(req: Request): string | null {
  const id = (req as RequestWithId).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}
