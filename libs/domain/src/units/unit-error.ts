import type { DecimalRefusal } from './decimal';

export type UnitErrorCode = 'INVALID_MONEY' | 'INVALID_AREA' | 'INVALID_COEFFICIENT';

export interface UnitError {
  readonly code: UnitErrorCode;
  readonly reason: DecimalRefusal;
  readonly message: string;
}

export type UnitResult =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: UnitError };

const REFUSAL_MESSAGES: Record<DecimalRefusal, string> = {
  NOT_A_NUMBER: '不是数字',
  NOT_FINITE: '不是有限数',
  NEGATIVE: '不能为负数',
  TOO_LARGE: '超过允许的最大值',
  TOO_MANY_DECIMALS: '最多两位小数',
};

export function unitError(code: UnitErrorCode, what: string, reason: DecimalRefusal): UnitError {
  return { code, reason, message: `${what}${REFUSAL_MESSAGES[reason]}` };
}
