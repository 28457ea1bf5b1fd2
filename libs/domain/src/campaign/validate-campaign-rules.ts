import { isIsoDate } from '../dates';
import { MAX_AREA_CENTI, MAX_MONEY_FEN } from '../units';
import type { CampaignRules } from './campaign-rules';

export const RULES_ISSUE_CODES = [
  'RULES_REFERENCE_INCOME',
  'RULES_AREA_LIMIT',
  'RULES_INCOME_COEFFICIENTS',
  'RULES_AREA_TIER_BOUNDS',
  'RULES_DATE',
] as const;
export type RulesIssueCode = (typeof RULES_ISSUE_CODES)[number];

export interface RulesIssue {
  readonly code: RulesIssueCode;
  readonly field: keyof CampaignRules;
  readonly message: string;
}

export class CampaignRulesError extends Error {
  constructor(readonly issues: readonly RulesIssue[]) {
    super(`invalid campaign rules: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'CampaignRulesError';
  }
}

const isPositiveIntegerUpTo = (value: number, max: number) =>
  Number.isSafeInteger(value) && value > 0 && value <= max;

const isStrictlyIncreasing = (values: readonly number[]) =>
  values.every((value, i) => i === 0 || value > values[i - 1]);

function coefficientIssue(coefficients: readonly number[]): string | null {
  if (coefficients.length === 0) return '收入系数不能为空';
  if (!coefficients.every((c) => isPositiveIntegerUpTo(c, 100)))
    return '收入系数以百分之一为单位,应为 1 到 100 的整数';
  if (!isStrictlyIncreasing(coefficients)) return '收入系数应严格递增';
  if (coefficients[coefficients.length - 1] !== 100)
    return '最后一个收入系数应为 1.0(即参考收入本身)';
  return null;
}

function boundsIssue(bounds: readonly number[], areaLimitCenti: number): string | null {
  if (bounds.length === 0) return '面积档次不能为空';
  if (!bounds.every((b) => isPositiveIntegerUpTo(b, MAX_AREA_CENTI)))
    return '面积档次应为正整数(0.01 平方米)';
  if (!isStrictlyIncreasing(bounds)) return '面积档次应严格递增';
  if (bounds[bounds.length - 1] !== areaLimitCenti) return '最后一个面积档次应等于人均面积上限';
  return null;
}

/**
 * Every problem with a campaign's rules. The last income coefficient must be
 * 1.0 and the last area bound the area limit, so that a household is eligible
 * on income (area) exactly when it has an income (area) tier: every eligible
 * household falls in one cell of the statistics table.
 */
export function validateCampaignRules(rules: CampaignRules): RulesIssue[] {
  const issues: RulesIssue[] = [];
  if (!isPositiveIntegerUpTo(rules.referenceIncomeFen, MAX_MONEY_FEN)) {
    issues.push({
      code: 'RULES_REFERENCE_INCOME',
      field: 'referenceIncomeFen',
      message: '参考收入应为正整数(分)',
    });
  }
  if (!isPositiveIntegerUpTo(rules.areaLimitCenti, MAX_AREA_CENTI)) {
    issues.push({
      code: 'RULES_AREA_LIMIT',
      field: 'areaLimitCenti',
      message: '人均面积上限应为正整数(0.01 平方米)',
    });
  }
  const coefficients = coefficientIssue(rules.incomeCoefficients);
  if (coefficients)
    issues.push({
      code: 'RULES_INCOME_COEFFICIENTS',
      field: 'incomeCoefficients',
      message: coefficients,
    });
  const bounds = boundsIssue(rules.areaTierBoundsCenti, rules.areaLimitCenti);
  if (bounds)
    issues.push({ code: 'RULES_AREA_TIER_BOUNDS', field: 'areaTierBoundsCenti', message: bounds });
  for (const field of ['ageCutoffDate', 'hukouCutoffDate', 'transferCutoffDate'] as const) {
    if (!isIsoDate(rules[field]))
      issues.push({ code: 'RULES_DATE', field, message: '日期应为真实的 YYYY-MM-DD' });
  }
  return issues;
}

export function assertValidCampaignRules(rules: CampaignRules): void {
  const issues = validateCampaignRules(rules);
  if (issues.length > 0) throw new CampaignRulesError(issues);
}
