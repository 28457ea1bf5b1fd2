import { AppError } from '@app/http';
import type { AuthUser } from './auth-user';

/*
 * Jurisdiction. A staff account reaches its region and what lies below it; an
 * administrator bound to no region (the bootstrap one) reaches the whole service.
 * An administrator bound to a county is that county's: it makes accounts,
 * regions and campaigns inside it only, lists and changes only the accounts
 * bound inside it (anything outside is a 404, as if absent), and reads only its
 * county's part of the audit trail (libs/audit, AuditReader). What every county
 * shares (the working-day calendar, the manual clock: changing them moves every
 * county's deadlines), and what would reach past its county (a new county, an
 * administrator bound to no region), it may not do: a 403, the thing being known.
 */

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

/** Whether the caller reaches the whole service: an administrator bound to no region. */
export function hasServiceWideReach(user: AuthUser): boolean {
  return user.role === 'admin' && user.regionPath === null;
}

/** What only an administrator of the whole service may do: for any other caller a 403. */
export function assertServiceWide(user: AuthUser, what: string): void {
  if (!hasServiceWideReach(user)) {
    throw AppError.forbidden(`Only an administrator bound to no region may ${what}`);
  }
}
