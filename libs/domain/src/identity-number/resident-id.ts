import { isIsoDate, type IsoDate } from '../dates';
import { isProvinceCode } from './province-codes';

export const SEXES = ['male', 'female'] as const;
export type Sex = (typeof SEXES)[number];

export const RESIDENT_ID_ISSUE_CODES = [
  'ID_FORMAT',
  'ID_LOWERCASE_X',
  'ID_CHECKSUM',
  'ID_BIRTH_DATE',
  'ID_REGION',
  'ID_SEX_MISMATCH',
  'ID_BIRTH_DATE_MISMATCH',
] as const;
export type ResidentIdIssueCode = (typeof RESIDENT_ID_ISSUE_CODES)[number];

export interface ResidentIdIssue {
  readonly code: ResidentIdIssueCode;
  readonly message: string;
}

export interface ResidentIdentity {
  readonly idNumber: string;
  /** The first six digits: the region where the number was issued. */
  readonly regionCode: string;
  readonly provinceCode: string;
  readonly birthDate: IsoDate;
  readonly sex: Sex;
}

export interface ResidentIdOptions {
  /** Today in Asia/Shanghai: a birth date after it is refused. */
  readonly today: IsoDate;
  readonly declaredSex?: Sex;
  readonly declaredBirthDate?: IsoDate;
}

export type ResidentIdResult =
  | { readonly ok: true; readonly identity: ResidentIdentity }
  | { readonly ok: false; readonly issues: readonly ResidentIdIssue[] };

export const EARLIEST_BIRTH_DATE: IsoDate = '1900-01-01';

/** GB 11643-1999 weights 2^(17-i) mod 11 and the ISO 7064 MOD 11-2 check characters. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

const WELL_FORMED = /^[0-9]{17}[0-9X]$/;
const LOWERCASE_X = /^[0-9]{17}x$/;

/** The check character for the first 17 digits (ASCII only). */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17))
    throw new RangeError('residentIdCheckCharacter needs 17 digits');
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

const issue = (code: ResidentIdIssueCode, message: string): ResidentIdIssue => ({ code, message });

function birthDateIssue(digits: string, today: IsoDate): ResidentIdIssue | null {
  const birthDate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isIsoDate(birthDate))
    return issue('ID_BIRTH_DATE', `身份证号码中的出生日期 ${digits} 不是真实日期`);
  if (birthDate < EARLIEST_BIRTH_DATE)
    return issue('ID_BIRTH_DATE', `身份证号码中的出生日期 ${birthDate} 早于 1900 年`);
  if (birthDate > today)
    return issue('ID_BIRTH_DATE', `身份证号码中的出生日期 ${birthDate} 晚于今天`);
  return null;
}

function crossCheckIssues(
  identity: ResidentIdentity,
  options: ResidentIdOptions,
): ResidentIdIssue[] {
  const issues: ResidentIdIssue[] = [];
  if (options.declaredSex !== undefined && options.declaredSex !== identity.sex) {
    issues.push(issue('ID_SEX_MISMATCH', '填报的性别与身份证号码不符'));
  }
  if (options.declaredBirthDate !== undefined && options.declaredBirthDate !== identity.birthDate) {
    issues.push(issue('ID_BIRTH_DATE_MISMATCH', '填报的出生日期与身份证号码不符'));
  }
  return issues;
}

/**
 * Validates an 18-character resident ID number (GB 11643-1999) and reads the
 * birth date, sex and province from it, or returns every reason it is refused.
 * The number must be exactly as printed: ASCII digits and a capital X, no
 * spaces; a lowercase x is refused with its own code (the other checks still run).
 */
export function validateResidentId(idNumber: string, options: ResidentIdOptions): ResidentIdResult {
  const lowercaseX = LOWERCASE_X.test(idNumber);
  if (!lowercaseX && !WELL_FORMED.test(idNumber)) {
    return {
      ok: false,
      issues: [issue('ID_FORMAT', '身份证号码应为 17 位数字加 1 位校验码(数字或大写 X)')],
    };
  }
  const issues: ResidentIdIssue[] = [];
  if (lowercaseX) issues.push(issue('ID_LOWERCASE_X', '身份证号码校验码应为大写 X'));
  const provinceCode = idNumber.slice(0, 2);
  if (!isProvinceCode(provinceCode))
    issues.push(issue('ID_REGION', `身份证号码的省级行政区划代码 ${provinceCode} 无效`));
  const birthIssue = birthDateIssue(idNumber.slice(6, 14), options.today);
  if (birthIssue) issues.push(birthIssue);
  if (residentIdCheckCharacter(idNumber.slice(0, 17)) !== idNumber.charAt(17).toUpperCase()) {
    issues.push(issue('ID_CHECKSUM', '身份证号码校验码错误'));
  }
  if (issues.length > 0) return { ok: false, issues };

  const identity: ResidentIdentity = {
    idNumber,
    regionCode: idNumber.slice(0, 6),
    provinceCode,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    sex: Number(idNumber.charAt(16)) % 2 === 1 ? 'male' : 'female',
  };
  const mismatches = crossCheckIssues(identity, options);
  return mismatches.length > 0 ? { ok: false, issues: mismatches } : { ok: true, identity };
}
