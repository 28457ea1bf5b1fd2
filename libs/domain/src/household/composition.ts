import { hasReachedAge, type IsoDate } from '../dates';
import type { Sex } from '../identity-number';
import type { CompositionRule, EligibilityReason } from '../shared';
import type { Member } from './household';

/** Age an unmarried person must have reached on the age cut-off date to apply alone. */
export const APPLY_ALONE_MIN_AGE: Readonly<Record<Sex, number>> = Object.freeze({
  male: 25,
  female: 23,
});

const COMPOSITION_MESSAGES: Record<CompositionRule, string> = {
  NO_APPLICANT: '家庭成员中没有申请人',
  MULTIPLE_APPLICANTS: '家庭成员中只能有一名申请人',
  MULTIPLE_SPOUSES: '家庭成员中最多只能有一名配偶',
  CHILD_NOT_UNMARRIED: '随父母申报的子女应为未婚子女',
  SPOUSE_NOT_MARRIED: '配偶的婚姻状况应为已婚',
  SPOUSE_OF_UNMARRIED_APPLICANT: '申请人不是已婚,家庭成员中不应有配偶',
  MARRIED_APPLICANT_WITHOUT_SPOUSE: '已婚申请人应与配偶共同申报',
  SPOUSE_SAME_SEX: '配偶与申请人性别相同',
};

function composition(rule: CompositionRule, member?: Member): EligibilityReason {
  const who = member ? `${member.name}:` : '';
  return {
    code: 'INVALID_COMPOSITION',
    rule,
    message: `${who}${COMPOSITION_MESSAGES[rule]}`,
    ...(member ? { memberIdNumber: member.idNumber } : {}),
  };
}

function applicantReasons(
  applicant: Member,
  members: readonly Member[],
  ageCutoffDate: IsoDate,
): EligibilityReason[] {
  const reasons: EligibilityReason[] = [];
  const spouses = members.filter((m) => m.relation === 'spouse');
  if (spouses.length > 0 && applicant.maritalStatus !== 'married') {
    reasons.push(composition('SPOUSE_OF_UNMARRIED_APPLICANT', applicant));
  }
  if (applicant.maritalStatus === 'married' && spouses.length === 0) {
    reasons.push(composition('MARRIED_APPLICANT_WITHOUT_SPOUSE', applicant));
  }
  for (const spouse of spouses) {
    if (spouse.identity.sex === applicant.identity.sex)
      reasons.push(composition('SPOUSE_SAME_SEX', spouse));
  }
  const minAge = APPLY_ALONE_MIN_AGE[applicant.identity.sex];
  if (
    members.length === 1 &&
    applicant.maritalStatus === 'unmarried' &&
    !hasReachedAge(applicant.identity.birthDate, minAge, ageCutoffDate)
  ) {
    reasons.push({
      code: 'TOO_YOUNG_TO_APPLY_ALONE',
      message: `${applicant.name}:未婚人员单独申报须在 ${ageCutoffDate} 年满 ${minAge} 周岁(男 25 周岁、女 23 周岁)`,
      memberIdNumber: applicant.idNumber,
    });
  }
  return reasons;
}

/**
 * The household is a married couple and their unmarried children: exactly one
 * applicant, at most one spouse (who is married, of the other sex, and present
 * exactly when the applicant is married), children unmarried. A divorced,
 * widowed or unmarried applicant may include their unmarried children. An
 * unmarried person alone must have reached 25 (male) / 23 (female) on the age
 * cut-off date.
 */
export function compositionReasons(
  members: readonly Member[],
  ageCutoffDate: IsoDate,
): EligibilityReason[] {
  const reasons: EligibilityReason[] = [];
  const applicants = members.filter((m) => m.relation === 'applicant');
  const spouses = members.filter((m) => m.relation === 'spouse');
  if (applicants.length === 0) reasons.push(composition('NO_APPLICANT'));
  if (applicants.length > 1) reasons.push(composition('MULTIPLE_APPLICANTS'));
  if (spouses.length > 1) reasons.push(composition('MULTIPLE_SPOUSES'));
  for (const spouse of spouses) {
    if (spouse.maritalStatus !== 'married') reasons.push(composition('SPOUSE_NOT_MARRIED', spouse));
  }
  for (const child of members.filter((m) => m.relation === 'child')) {
    if (child.maritalStatus !== 'unmarried')
      reasons.push(composition('CHILD_NOT_UNMARRIED', child));
  }
  if (applicants.length === 1)
    reasons.push(...applicantReasons(applicants[0], members, ageCutoffDate));
  return reasons;
}
