import { Workbook, Worksheet } from 'exceljs';
import { GridCell, reportGrid, TierReport } from './tier-report';

export const XLSX_CONTENT_TYPE =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Excel refuses these in a sheet name, and names longer than 31 characters. */
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;
const SHEET_NAME_MAX = 31;

/** A sheet name Excel accepts, unique in the workbook (a suffix when two regions share a name). */
export function sheetName(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .replace(SHEET_NAME_FORBIDDEN, '_')
      .replace(/^'+|'+$/g, '')
      .slice(0, SHEET_NAME_MAX) || 'Sheet';
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
    const suffix = `(${n})`;
    candidate = `${base.slice(0, SHEET_NAME_MAX - suffix.length)}${suffix}`;
  }
  return candidate;
}

/** One sheet per report, in order, each with the same layout as the CSV. */
export function buildTierWorkbook(reports: readonly TierReport[]): Workbook {
  const workbook = new Workbook();
  workbook.creator = 'housing-survey';
  if (reports.length > 0) workbook.created = reports[0].exportedAt;
  const taken = new Set<string>();
  for (const report of reports) {
    const name = sheetName(report.region.name, taken);
    taken.add(name.toLowerCase());
    fillSheet(workbook.addWorksheet(name), report);
  }
  return workbook;
}

function fillSheet(sheet: Worksheet, report: TierReport): void {
  const grid = reportGrid(report);
  const put = (cells: GridCell[]) => sheet.addRow(cells.map((c) => c ?? undefined));
  grid.preamble.forEach((cells, i) => {
    const row = put(cells);
    if (i < 2) row.font = { bold: true, size: i === 0 ? 14 : 12 };
  });
  sheet.addRow([]);
  const top = put(grid.header[0]);
  const sub = put(grid.header[1]);
  top.font = sub.font = { bold: true };
  sheet.mergeCells(top.number, 1, sub.number, 1);
  for (let col = 2; col <= grid.header[0].length; col += 2) {
    sheet.mergeCells(top.number, col, top.number, col + 1);
  }
  for (const row of [top, sub]) row.alignment = { horizontal: 'center', vertical: 'middle' };
  grid.body.forEach((cells, i) => {
    const row = put(cells);
    if (i === grid.body.length - 1) row.font = { bold: true };
  });
  sheet.addRow([]);
  grid.footer.forEach(put);
  sheet.getColumn(1).width = 36;
  for (let col = 2; col <= grid.header[0].length; col++) sheet.getColumn(col).width = 10;
  sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: sub.number }];
}
