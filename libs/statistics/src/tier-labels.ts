import { centiToSquareMetres } from '@app/domain';
import type { Hundredths } from '@app/domain';
import type { AreaColumn } from './tier-table';

export const TIER_STAGES = ['approved', 'submitted'] as const;
export type TierStage = (typeof TIER_STAGES)[number];

/** The notice's wording: 以下 includes the bound itself. */
export const LABELS = {
  title: '城镇低收入住房困难家庭收入与住房分档统计表',
  corner: '人均可支配收入系数＼人均住房建筑面积',
  households: '户数',
  persons: '人数',
  total: '合计',
  noHousing: '无房户',
  region: '统计区域',
  stage: '统计口径',
  referenceIncome: '城镇居民人均可支配收入（元）',
  areaLimit: '人均住房建筑面积标准（平方米）',
  exportedAt: '导出时间',
  outsideTiers: '未进入分档（收入或住房面积超出标准）',
  grandTotal: '总计（含未进入分档）',
} as const;

export const STAGE_LABELS: Record<TierStage, string> = {
  approved: '审核通过（已入册）',
  submitted: '已提交申请（含其后各状态）',
};

export const REGION_LEVEL_LABELS: Record<'county' | 'town' | 'community', string> = {
  county: '县',
  town: '镇（街道）',
  community: '社区',
};

/** 30 → "0.3", 100 → "1.0" (the notice writes 1.0), 35 → "0.35". */
export function formatCoefficient(hundredths: Hundredths): string {
  return (hundredths / 100).toFixed(hundredths % 10 === 0 ? 1 : 2);
}

/** 30 → "0.3以下". */
export function incomeTierLabel(hundredths: Hundredths): string {
  return `${formatCoefficient(hundredths)}以下`;
}

/** 'none' → "无房户", 500 → "5平方米以下", 550 → "5.5平方米以下". */
export function areaTierLabel(tier: AreaColumn): string {
  return tier === 'none' ? LABELS.noHousing : `${centiToSquareMetres(tier)}平方米以下`;
}
