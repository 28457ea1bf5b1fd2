/** The three review levels, lowest first (domain.md "Places and people"). */
export const REVIEW_LEVELS = ['community', 'town', 'bureau'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

export const APPLICATION_STATUSES = [
  'draft',
  'community_review',
  'community_notice',
  'town_review',
  'town_notice',
  'bureau_review',
  'bureau_notice',
  'approved',
  'rejected',
  'returned',
  'withdrawn',
  'revoked',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const REVIEW_STATUS_OF = {
  community: 'community_review',
  town: 'town_review',
  bureau: 'bureau_review',
} as const satisfies Record<ReviewLevel, ApplicationStatus>;
export type ReviewStatus = (typeof REVIEW_STATUS_OF)[ReviewLevel];

export const NOTICE_STATUS_OF = {
  community: 'community_notice',
  town: 'town_notice',
  bureau: 'bureau_notice',
} as const satisfies Record<ReviewLevel, ApplicationStatus>;
export type NoticeStatus = (typeof NOTICE_STATUS_OF)[ReviewLevel];

/**
 * A status without its level: `town_review` is the phase `review` at `town`.
 * The transition table is written in phases, so one row serves all three levels.
 */
export const PHASES = [
  'draft',
  'review',
  'notice',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
  'revoked',
] as const;
export type Phase = (typeof PHASES)[number];

/** The level after this one, or null after the bureau. */
export function nextLevel(level: ReviewLevel): ReviewLevel | null {
  return REVIEW_LEVELS[REVIEW_LEVELS.indexOf(level) + 1] ?? null;
}

const REVIEW_STATUSES: ReadonlySet<ApplicationStatus> = new Set(Object.values(REVIEW_STATUS_OF));
const NOTICE_STATUSES: ReadonlySet<ApplicationStatus> = new Set(Object.values(NOTICE_STATUS_OF));

export function isReviewStatus(status: ApplicationStatus): status is ReviewStatus {
  return REVIEW_STATUSES.has(status);
}

export function isNoticeStatus(status: ApplicationStatus): status is NoticeStatus {
  return NOTICE_STATUSES.has(status);
}

export function phaseOf(status: ApplicationStatus): Phase {
  if (isReviewStatus(status)) return 'review';
  if (isNoticeStatus(status)) return 'notice';
  return status;
}

/** The status of a phase at a level (the level matters only for review and notice). */
export function statusAt(phase: Phase, level: ReviewLevel | null): ApplicationStatus {
  if (phase !== 'review' && phase !== 'notice') return phase;
  if (level === null) throw new RangeError(`the ${phase} phase needs a level`);
  return phase === 'review' ? REVIEW_STATUS_OF[level] : NOTICE_STATUS_OF[level];
}

/** Submitted and not withdrawn, rejected or revoked; approved and returned are live (domain.md). */
export const LIVE_STATUSES: readonly ApplicationStatus[] = [
  ...Object.values(REVIEW_STATUS_OF),
  ...Object.values(NOTICE_STATUS_OF),
  'returned',
  'approved',
];

/**
 * Nothing can happen any more. `approved` is NOT final: it stays under dynamic
 * management (record_change, revoke) and the household may still withdraw.
 */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['rejected', 'withdrawn', 'revoked'];

export function isLive(status: ApplicationStatus): boolean {
  return LIVE_STATUSES.includes(status);
}

export function isFinal(status: ApplicationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/**
 * Which levels an application in this status may be at:
 * - draft, withdrawn: none (null);
 * - review, notice: the level in the status;
 * - returned, rejected: the level that returned / rejected it (any level);
 * - approved, revoked: bureau (the county register is the bureau's).
 */
export function allowedLevels(status: ApplicationStatus): readonly (ReviewLevel | null)[] {
  switch (phaseOf(status)) {
    case 'draft':
    case 'withdrawn':
      return [null];
    case 'review':
    case 'notice':
      return [status.slice(0, status.indexOf('_')) as ReviewLevel];
    case 'returned':
    case 'rejected':
      return REVIEW_LEVELS;
    case 'approved':
    case 'revoked':
      return ['bureau'];
  }
}

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: '草稿',
  community_review: '社区审核中',
  community_notice: '社区公示中',
  town_review: '镇（街道）审核中',
  town_notice: '镇（街道）公示中',
  bureau_review: '县房管局审核中',
  bureau_notice: '县级公示中',
  approved: '已通过',
  rejected: '未通过',
  returned: '已退回补充材料',
  withdrawn: '已撤回',
  revoked: '已撤销',
};

export const LEVEL_LABELS: Record<ReviewLevel, string> = {
  community: '社区',
  town: '镇（街道）',
  bureau: '县房管局',
};
