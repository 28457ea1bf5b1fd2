import type { ReviewLevel } from '@app/domain';

export const ROLES = [
  'applicant',
  'community_reviewer',
  'town_reviewer',
  'bureau_reviewer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES = ROLES.filter((r) => r !== 'applicant');
export type StaffRole = Exclude<Role, 'applicant'>;

/** The review level a reviewer acts at, and the region level they are bound to. */
export const REVIEWER_SCOPE: Record<
  'community_reviewer' | 'town_reviewer' | 'bureau_reviewer',
  { level: ReviewLevel; regionLevel: 'community' | 'town' | 'county' }
> = {
  community_reviewer: { level: 'community', regionLevel: 'community' },
  town_reviewer: { level: 'town', regionLevel: 'town' },
  bureau_reviewer: { level: 'bureau', regionLevel: 'county' },
};

export function isReviewer(role: Role): role is keyof typeof REVIEWER_SCOPE {
  return role in REVIEWER_SCOPE;
}
