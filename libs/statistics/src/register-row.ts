import { centiToSquareMetres, fenToYuan, perCapitaForDisplay } from '@app/domain';
import type { AreaTier, Centi, Fen, Hundredths } from '@app/domain';
import { areaTierLabel, incomeTierLabel } from './tier-labels';

/**
 * One approved household as the register needs it. The register goes to the
 * city as statistics: it carries no name and no ID number of anyone, and
 * nothing here may add one (the declared members stay in `applications.household`).
 */
export interface RegisterRecord {
  archiveNo: string | null;
  community: string;
  persons: number;
  householdIncomeFen: Fen;
  countedAreaCenti: Centi;
  incomeTier: Hundredths | null;
  areaTier: AreaTier;
}

export const REGISTER_HEADER = [
  '档案编号',
  '社区',
  '人数',
  '人均可支配收入(元)',
  '人均住房面积(m²)',
  '收入档次',
  '面积档次',
] as const;

/** A tier an approved household should always have; shown rather than left blank if one is missing. */
export const NOT_IN_A_TIER = '未进入分档';

/** The per-capita figures, rounded half up to the fen and to 0.01 m² (display only). */
export interface PerCapita {
  incomeFen: Fen;
  areaCenti: Centi;
}

export function perCapitaOf(r: RegisterRecord): PerCapita {
  return {
    incomeFen: perCapitaForDisplay(r.householdIncomeFen, r.persons),
    areaCenti: perCapitaForDisplay(r.countedAreaCenti, r.persons),
  };
}

const incomeLabels = new Map<Hundredths, string>();
const areaLabels = new Map<AreaTier, string>();

/** "0.3以下"; labels are few, so each is made once. */
export function registerIncomeTier(tier: Hundredths | null): string {
  if (tier === null) return NOT_IN_A_TIER;
  let label = incomeLabels.get(tier);
  if (label === undefined) incomeLabels.set(tier, (label = incomeTierLabel(tier)));
  return label;
}

/** "无房户", "5平方米以下". */
export function registerAreaTier(tier: AreaTier): string {
  if (tier === null) return NOT_IN_A_TIER;
  let label = areaLabels.get(tier);
  if (label === undefined) areaLabels.set(tier, (label = areaTierLabel(tier)));
  return label;
}

/** The row as the workbook writes it: figures as numbers (3703.7, shown as 3703.70). */
export function registerNumberCells(r: RegisterRecord): (string | number)[] {
  const each = perCapitaOf(r);
  return [
    r.archiveNo ?? '',
    r.community,
    r.persons,
    fenToYuan(each.incomeFen),
    centiToSquareMetres(each.areaCenti),
    registerIncomeTier(r.incomeTier),
    registerAreaTier(r.areaTier),
  ];
}
