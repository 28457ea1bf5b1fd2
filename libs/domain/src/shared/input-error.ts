/**
 * Structural problems with a declaration: it cannot be assessed until they are
 * fixed (the API answers 422 with all of them). Distinct from eligibility
 * reasons, which are the outcome of assessing a well-formed declaration.
 */
export const INPUT_ERROR_CODES = [
  'HOUSEHOLD_EMPTY',
  'ID_FORMAT',
  'ID_LOWERCASE_X',
  'ID_CHECKSUM',
  'ID_BIRTH_DATE',
  'ID_REGION',
  'ID_SEX_MISMATCH',
  'ID_BIRTH_DATE_MISMATCH',
  'DUPLICATE_ID_NUMBER',
  'INVALID_DATE',
  'HUKOU_SINCE_BEFORE_BIRTH',
  'INVALID_MONEY',
  'INCOME_WITH_SOURCE_NONE',
  'INVALID_AREA',
  'DUPLICATE_PROPERTY_ID',
  'PROPERTY_OWNER_NOT_MEMBER',
  'PROPERTY_TRANSFER_INCOMPLETE',
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

export interface InputError {
  readonly code: InputErrorCode;
  readonly message: string;
  /** Where in the declaration, e.g. `members[1].idNumber`, `properties[0].transferReason`. */
  readonly path: string;
  readonly memberIdNumber?: string;
  readonly propertyId?: string;
}
