import { GridCell, reportGrid, TierReport } from './tier-report';

/** Spreadsheets read UTF-8 CSV as UTF-8 only when it starts with the byte-order mark. */
export const BOM = '\uFEFF';

/** A text cell a spreadsheet would run as a formula (=, +, -, @) is kept as text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: GridCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as RFC 4180 CSV (CRLF line ends) in UTF-8 with a BOM: the
 * preamble (campaign, region, stage, parameters, export moment), a blank
 * line, the table under its two header rows, a blank line, the households
 * outside every tier.
 */
export function renderTierCsv(report: TierReport): Buffer {
  const grid = reportGrid(report);
  const rows = [...grid.preamble, [], ...grid.header, ...grid.body, [], ...grid.footer];
  const text = rows.map((row) => row.map(csvField).join(',')).join('\r\n');
  return Buffer.from(`${BOM}${text}\r\n`, 'utf8');
}
