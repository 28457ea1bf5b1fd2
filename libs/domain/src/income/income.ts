import type { InputError } from '../shared';
import { checkedSum, isValidFen, MAX_MONEY_YUAN, type Fen } from '../units';

export const INCOME_SOURCES = [
  'employed',
  'unemployed',
  'dibao',
  'freelance',
  'employed_elsewhere',
  'business',
  'retired',
  'none',
] as const;
export type IncomeSource = (typeof INCOME_SOURCES)[number];

export interface MemberIncome {
  readonly idNumber: string;
  readonly incomeSource: IncomeSource;
  /** Annual disposable income. */
  readonly annualIncomeFen: Fen;
}

/** A member with no income source (a minor, a student) must declare no income. */
export function validateMemberIncome(member: MemberIncome, path: string): InputError[] {
  const at = `${path}.annualIncomeFen`;
  if (!isValidFen(member.annualIncomeFen)) {
    return [
      {
        code: 'INVALID_MONEY',
        message: `年收入应为 0 到 ${MAX_MONEY_YUAN} 元之间、最多两位小数的金额`,
        path: at,
        memberIdNumber: member.idNumber,
      },
    ];
  }
  if (member.incomeSource === 'none' && member.annualIncomeFen !== 0) {
    return [
      {
        code: 'INCOME_WITH_SOURCE_NONE',
        message: '无收入来源的成员年收入应为 0',
        path: at,
        memberIdNumber: member.idNumber,
      },
    ];
  }
  return [];
}

/** The sum of the members' annual disposable incomes. */
export function householdIncomeFen(members: readonly Pick<MemberIncome, 'annualIncomeFen'>[]): Fen {
  return checkedSum(members.map((m) => m.annualIncomeFen));
}
