import { AuthUser, inJurisdiction } from '@app/access';
import { AppError } from '@app/http';
import type { ApplicationStatus } from '@app/domain';
import { Application } from './application.entity';

/**
 * Who may read an application (and its materials and history): its applicant;
 * staff (reviewers and administrators) inside their jurisdiction, once it has
 * been submitted. A draft is the household's own until it applies: its names,
 * ID numbers and incomes reach no one else before then. A draft leaves
 * `draft` only by being submitted, and never comes back to it (a returned
 * application is `returned`).
 */
export function canRead(
  user: AuthUser,
  app: Pick<Application, 'applicantUserId' | 'regionPath' | 'status'>,
): boolean {
  if (user.role === 'applicant') return app.applicantUserId === user.id;
  return app.status !== 'draft' && inJurisdiction(user, app.regionPath);
}

/** canRead's rule that staff see no draft, as SQL on the row named `alias` (for lists). */
export function notADraftRow(alias: string): string {
  return `${alias}.status <> 'draft'`;
}

/** Absent and not readable look the same: 404. */
export function requireReadable<T extends Application>(user: AuthUser, app: T | null): T {
  if (!app || !canRead(user, app)) throw AppError.notFound('Application');
  return app;
}

/** Statuses in which the applicant may change the declaration and its materials. */
export const EDITABLE_STATUSES: readonly ApplicationStatus[] = ['draft', 'returned'];

/**
 * The applicant's own application in an editable status. Staff may not edit:
 * 403 on one they may read (returned), 404 on a draft, which they may not.
 */
export function requireEditableByApplicant(user: AuthUser, app: Application | null): Application {
  const readable = requireReadable(user, app);
  if (readable.applicantUserId !== user.id)
    throw AppError.forbidden('Only the applicant may change the application');
  if (!EDITABLE_STATUSES.includes(readable.status)) {
    throw AppError.conflict(
      'NOT_EDITABLE',
      `An application in status ${readable.status} cannot be changed`,
    );
  }
  return readable;
}

/**
 * A returned application goes back to the level that returned it, so it keeps
 * its campaign and community: moved, it would come before another town's or
 * county's reviewers without its community's investigation and notice, out of
 * sight of the level that returned it, and its members would stay claimed in
 * the campaign it left. A household that moved withdraws and applies anew.
 */
export function requireSamePlaceOnceSubmitted(
  app: Application,
  place: { campaignId: string; communityId: string },
): void {
  if (app.status === 'draft') return;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (same(place.campaignId, app.campaignId) && same(place.communityId, app.communityId)) return;
  throw AppError.conflict(
    'PLACE_FIXED_AFTER_SUBMISSION',
    'A submitted application stays in its campaign and community; withdraw it and apply anew to move it',
  );
}
