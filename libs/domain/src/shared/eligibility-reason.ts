export const ELIGIBILITY_REASON_CODES = [
  'INVALID_COMPOSITION',
  'TOO_YOUNG_TO_APPLY_ALONE',
  'HUKOU_NOT_LOCAL',
  'HUKOU_TOO_LATE',
  'MEMBER_IN_OTHER_APPLICATION',
  'AREA_ABOVE_LIMIT',
  'INCOME_ABOVE_LIMIT',
] as const;
export type EligibilityReasonCode = (typeof ELIGIBILITY_REASON_CODES)[number];

/** Which composition rule an INVALID_COMPOSITION reason is about. */
export const COMPOSITION_RULES = [
  'NO_APPLICANT',
  'MULTIPLE_APPLICANTS',
  'MULTIPLE_SPOUSES',
  'CHILD_NOT_UNMARRIED',
  'SPOUSE_NOT_MARRIED',
  'SPOUSE_OF_UNMARRIED_APPLICANT',
  'MARRIED_APPLICANT_WITHOUT_SPOUSE',
  'SPOUSE_SAME_SEX',
] as const;
export type CompositionRule = (typeof COMPOSITION_RULES)[number];

export interface EligibilityReason {
  readonly code: EligibilityReasonCode;
  /** Chinese, for the officials and the applicant. */
  readonly message: string;
  readonly memberIdNumber?: string;
  /** Set on INVALID_COMPOSITION. */
  readonly rule?: CompositionRule;
}
