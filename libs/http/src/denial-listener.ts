import type { Request } from 'express';
import type { ErrorBody } from './error-body';

/** Statuses that are a refusal of the caller rather than of the request: not authenticated, not allowed, too many. */
export const DENIAL_STATUSES: readonly number[] = [401, 403, 429];

/**
 * Told of every denial the service answers, before the answer leaves (the
 * audit trail implements it). A provider of this token is picked up by
 * configureHttpApp; without one, denials are only answered.
 */
export abstract class DenialListener {
  abstract denied(request: Request, body: ErrorBody): Promise<void>;
}
