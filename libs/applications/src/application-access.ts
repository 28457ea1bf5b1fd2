import { AuthUser, inJurisdiction } from '@app/access';
import { AppError } from '@app/http';
import type { ApplicationStatus } from '@app/domain';
import { Application } from './application.entity';

/** Who may read an application: its applicant, and staff whose region contains it. */
export function canRead(
  user: AuthUser,
  app: Pick<Application, 'applicantUserId' | 'regionPath'>,
): boolean {
  if (user.role === 'applicant') return app.applicantUserId === user.id;
  return inJurisdiction(user, app.regionPath);
}

/** Absent and not readable look the same: 404. */
export function requireReadable<T extends Application>(user: AuthUser, app: T | null): T {
  if (!app || !canRead(user, app)) throw AppError.notFound('Application');
  return app;
}

/** Statuses in which the applicant may change the declaration and its materials. */
export const EDITABLE_STATUSES: readonly ApplicationStatus[] = ['draft', 'returned'];

/** The applicant's own application in an editable status; staff may read it but not edit (403). */
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
