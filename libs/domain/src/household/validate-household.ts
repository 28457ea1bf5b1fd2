import { isIsoDate, type IsoDate } from '../dates';
import { validateProperties } from '../housing';
import { validateResidentId, type ResidentIdentity } from '../identity-number';
import { validateMemberIncome } from '../income';
import type { InputError } from '../shared';
import type { Household, HouseholdDeclaration, Member, MemberDeclaration } from './household';

export type HouseholdValidation =
  | { readonly ok: true; readonly household: Household }
  | { readonly ok: false; readonly errors: readonly InputError[] };

interface MemberCheck {
  readonly errors: InputError[];
  readonly identity: ResidentIdentity | null;
}

function checkMember(member: MemberDeclaration, path: string, today: IsoDate): MemberCheck {
  const errors: InputError[] = [];
  const push = (code: InputError['code'], field: string, message: string) =>
    errors.push({ code, message, path: `${path}.${field}`, memberIdNumber: member.idNumber });

  const id = validateResidentId(member.idNumber, {
    today,
    declaredSex: member.declaredSex,
    declaredBirthDate: member.declaredBirthDate,
  });
  if (!id.ok) id.issues.forEach((issue) => push(issue.code, 'idNumber', issue.message));
  if (member.declaredBirthDate !== undefined && !isIsoDate(member.declaredBirthDate)) {
    push('INVALID_DATE', 'declaredBirthDate', '出生日期应为真实的 YYYY-MM-DD');
  }
  if (!isIsoDate(member.hukouSince)) {
    push('INVALID_DATE', 'hukouSince', '户口登记日期应为真实的 YYYY-MM-DD');
  } else if (id.ok && member.hukouSince < id.identity.birthDate) {
    push('HUKOU_SINCE_BEFORE_BIRTH', 'hukouSince', '户口登记日期早于出生日期');
  }
  errors.push(...validateMemberIncome(member, path));
  return { errors, identity: id.ok ? id.identity : null };
}

function duplicateIdErrors(members: readonly MemberDeclaration[]): InputError[] {
  const seen = new Set<string>();
  return members.flatMap((member, i) => {
    const duplicate = seen.has(member.idNumber);
    seen.add(member.idNumber);
    return duplicate
      ? [
          {
            code: 'DUPLICATE_ID_NUMBER' as const,
            message: '家庭成员身份证号码重复',
            path: `members[${i}].idNumber`,
            memberIdNumber: member.idNumber,
          },
        ]
      : [];
  });
}

/**
 * Checks that a declaration is well-formed and reads each member's identity
 * from the ID number; returns every structural error at once.
 */
export function validateHousehold(
  declaration: HouseholdDeclaration,
  today: IsoDate,
): HouseholdValidation {
  const errors: InputError[] = [];
  if (declaration.members.length === 0) {
    errors.push({
      code: 'HOUSEHOLD_EMPTY',
      message: '申报家庭至少应有一名成员(申请人)',
      path: 'members',
    });
  }
  const members: Member[] = [];
  declaration.members.forEach((member, i) => {
    const check = checkMember(member, `members[${i}]`, today);
    errors.push(...check.errors);
    if (check.identity) members.push({ ...member, identity: check.identity });
  });
  errors.push(...duplicateIdErrors(declaration.members));
  const memberIdNumbers = new Set(declaration.members.map((m) => m.idNumber));
  errors.push(...validateProperties(declaration.properties, memberIdNumbers));

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    household: {
      communityId: declaration.communityId,
      members,
      properties: declaration.properties,
    },
  };
}
