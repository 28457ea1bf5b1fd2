import { centiToSquareMetres, hundredthsToCoefficient } from '@app/domain';
import type { AreaTier, Centi, Hundredths } from '@app/domain';

export interface Count {
  households: number;
  persons: number;
}

/** A column of the table: the no-housing tier or an area bound (0.01 m²). */
export type AreaColumn = Exclude<AreaTier, null>;

/** One row of `GROUP BY income_tier, area_tier`; a null tier is outside every tier. */
export interface TierGroup extends Count {
  incomeTier: Hundredths | null;
  areaTier: AreaTier;
}

/** The campaign's tiers: coefficients in hundredths, area bounds in 0.01 m², both ascending. */
export interface TierAxes {
  incomeCoefficients: readonly Hundredths[];
  areaTierBoundsCenti: readonly Centi[];
}

/** The 8 × 7 table in exact units; households outside every tier are counted apart. */
export interface TierTable {
  incomeTiers: Hundredths[];
  areaTiers: AreaColumn[];
  cells: Count[][];
  rowTotals: Count[];
  columnTotals: Count[];
  total: Count;
  /** Submitted households with no income or no area tier (ineligible): in no cell, in no total. */
  outsideTiers: Count;
}

/** A tier the campaign does not have: the stored figures and the campaign disagree. */
export class UnknownTierError extends Error {
  constructor(group: TierGroup) {
    super(`No column or row for income tier ${group.incomeTier}, area tier ${group.areaTier}`);
    this.name = 'UnknownTierError';
  }
}

const zero = (): Count => ({ households: 0, persons: 0 });

function add(into: Count, c: Count): void {
  into.households += c.households;
  into.persons += c.persons;
}

/**
 * Lays grouped counts into the table: rows in the campaign's coefficient order,
 * columns 'none' first and then the campaign's bounds, with row, column and
 * grand totals. A group in no tier goes to `outsideTiers`; a tier the campaign
 * does not know is an error, never silently dropped.
 */
export function layTierTable(axes: TierAxes, groups: readonly TierGroup[]): TierTable {
  const incomeTiers = [...axes.incomeCoefficients];
  const areaTiers: AreaColumn[] = ['none', ...axes.areaTierBoundsCenti];
  const cells = incomeTiers.map(() => areaTiers.map(zero));
  const outsideTiers = zero();
  for (const group of groups) {
    if (group.incomeTier === null || group.areaTier === null) {
      add(outsideTiers, group);
      continue;
    }
    const row = incomeTiers.indexOf(group.incomeTier);
    const column = areaTiers.indexOf(group.areaTier);
    if (row < 0 || column < 0) throw new UnknownTierError(group);
    add(cells[row][column], group);
  }
  const rowTotals = cells.map((row) => sum(row));
  const columnTotals = areaTiers.map((_, j) => sum(cells.map((row) => row[j])));
  return {
    incomeTiers,
    areaTiers,
    cells,
    rowTotals,
    columnTotals,
    total: sum(rowTotals),
    outsideTiers,
  };
}

function sum(counts: readonly Count[]): Count {
  const total = zero();
  for (const c of counts) add(total, c);
  return total;
}

/** The contract's form: coefficients as numbers (0.3), area bounds in m² (5), 'none' kept. */
export function tierTableBody(table: TierTable) {
  return {
    incomeTiers: table.incomeTiers.map(hundredthsToCoefficient),
    areaTiers: table.areaTiers.map((a) => (a === 'none' ? a : centiToSquareMetres(a))),
    cells: table.cells,
    rowTotals: table.rowTotals,
    columnTotals: table.columnTotals,
    total: table.total,
    outsideTiers: table.outsideTiers,
  };
}

export type TierTableBody = ReturnType<typeof tierTableBody>;
