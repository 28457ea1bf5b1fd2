import { escapeLiteral } from 'pg';
import { NO_HOUSING_TIER } from '@app/applications';
import { LABELS } from './tier-labels';

/**
 * The register's columns. The register goes to the city as statistics: it
 * carries no name and no ID number of anyone, and nothing here may add one
 * (the declared members stay in `applications.household`, never read here).
 */
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

/**
 * Hundredths (non-negative) as "12.34", as `formatHundredths` writes them; a
 * per-person figure is rounded half up first, as `perCapitaForDisplay` does.
 */
const perPerson = (total: string) => `(2 * ${total} + a.persons) / (2 * a.persons)`;
const hundredths = (x: string) => `(${x} / 100)::text || '.' || lpad((${x} % 100)::text, 2, '0')`;

/**
 * Each column of the register as a PostgreSQL expression over `applications a
 * JOIN regions r`, formatted exactly as `tier-labels.ts` formats them (the
 * integration tests compare both files with figures worked by hand): figures
 * as "3333.33" and "6.67", coefficients as 0.3 or 0.35, areas as 5 or 5.5.
 * Both files are made from these, so a CSV and a workbook of one register
 * always say the same.
 */
export const REGISTER_SQL = {
  archiveNo: 'a.archive_no',
  community: 'r.name',
  persons: 'a.persons',
  incomePerPerson: hundredths(perPerson('a.household_income_fen')),
  areaPerPerson: hundredths(perPerson('a.counted_area_centi')),
  incomeTier: `CASE WHEN a.income_tier IS NULL THEN ${escapeLiteral(NOT_IN_A_TIER)}
       WHEN a.income_tier % 10 = 0 THEN to_char(a.income_tier / 100.0, 'FM990.0') || '以下'
       ELSE to_char(a.income_tier / 100.0, 'FM990.00') || '以下' END`,
  areaTier: `CASE WHEN a.area_tier IS NULL THEN ${escapeLiteral(NOT_IN_A_TIER)}
       WHEN a.area_tier = ${NO_HOUSING_TIER} THEN ${escapeLiteral(LABELS.noHousing)}
       ELSE trim_scale(a.area_tier / 100.0)::text || '平方米以下' END`,
} as const;
