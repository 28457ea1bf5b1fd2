import { AppError } from '@app/http';
import type { AuthUser } from './auth-user';

/**
 * Whether a region (by its materialised path) lies inside what the user may see.
 * Applicants have no jurisdiction; their access is by ownership, checked elsewhere.
 */
export function inJurisdiction(user: AuthUser, regionPath: string): boolean {
  if (user.role === 'applicant') return false;
  if (user.regionPath === null) return user.role === 'admin';
  return regionPath.startsWith(user.regionPath);
}

/** Outside the caller's region is reported as absent (404), never as forbidden. */
export function assertInJurisdiction(user: AuthUser, regionPath: string, what: string): void {
  if (!inJurisdiction(user, regionPath)) throw AppError.notFound(what);
}
