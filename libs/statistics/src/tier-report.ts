import { formatShanghaiInstant } from '@app/calendar';
import { centiToSquareMetres, fenToYuan } from '@app/domain';
import type { Centi, Fen } from '@app/domain';
import {
  areaTierLabel,
  incomeTierLabel,
  LABELS,
  REGION_LEVEL_LABELS,
  STAGE_LABELS,
  TierStage,
} from './tier-labels';
import type { Count, TierTable } from './tier-table';

/** One table with what a reader of an exported file needs to know about it. */
export interface TierReport {
  campaign: { name: string; referenceIncomeFen: Fen; areaLimitCenti: Centi };
  region: { name: string; level: 'county' | 'town' | 'community' };
  stage: TierStage;
  exportedAt: Date;
  table: TierTable;
}

export type GridCell = string | number | null;

/**
 * The report as rows of cells, shared by the CSV and the workbook. The table's
 * header is two rows: each area tier spans a 户数 and a 人数 column, so every
 * row of the table reads across in one line, its totals at the end.
 */
export interface ReportGrid {
  preamble: GridCell[][];
  header: [GridCell[], GridCell[]];
  body: GridCell[][];
  footer: GridCell[][];
}

const pair = (c: Count): number[] => [c.households, c.persons];

export function reportGrid(report: TierReport): ReportGrid {
  const { campaign, region, table } = report;
  const columnCount = 1 + 2 * (table.areaTiers.length + 1);
  const underTotals = (label: string, c: Count): GridCell[] => [
    label,
    ...Array<GridCell>(columnCount - 3).fill(null),
    ...pair(c),
  ];
  const spanning = [...table.areaTiers.map(areaTierLabel), LABELS.total];
  return {
    preamble: [
      [campaign.name],
      [LABELS.title],
      [LABELS.region, `${region.name}（${REGION_LEVEL_LABELS[region.level]}）`],
      [LABELS.stage, STAGE_LABELS[report.stage]],
      [LABELS.referenceIncome, fenToYuan(campaign.referenceIncomeFen)],
      [LABELS.areaLimit, centiToSquareMetres(campaign.areaLimitCenti)],
      [LABELS.exportedAt, formatShanghaiInstant(report.exportedAt)],
    ],
    header: [
      [LABELS.corner, ...spanning.flatMap((label) => [label, null])],
      [null, ...spanning.flatMap(() => [LABELS.households, LABELS.persons])],
    ],
    body: [
      ...table.incomeTiers.map((tier, i) => [
        incomeTierLabel(tier),
        ...table.cells[i].flatMap(pair),
        ...pair(table.rowTotals[i]),
      ]),
      [LABELS.total, ...table.columnTotals.flatMap(pair), ...pair(table.total)],
    ],
    footer: [
      underTotals(LABELS.outsideTiers, table.outsideTiers),
      underTotals(LABELS.grandTotal, {
        households: table.total.households + table.outsideTiers.households,
        persons: table.total.persons + table.outsideTiers.persons,
      }),
    ],
  };
}
