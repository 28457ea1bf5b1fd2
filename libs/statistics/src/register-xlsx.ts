import { PassThrough, type Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { ZipFile } from 'yazl';
import { ExportAbortedError, writeChunk } from './backpressure';
import { REGISTER_HEADER, REGISTER_SQL } from './register-columns';
import {
  afterLines,
  approvedHouseholds,
  copyOut,
  PROGRESS_EVERY,
  REGISTER_ORDER,
  RegisterFilter,
} from './register-source';

/** A sheet holds at most 1,048,576 rows: the header and this many households. */
export const XLSX_HOUSEHOLDS_PER_SHEET = 1_048_575;

const SHEET_NAME = '困难家庭名册';
const WIDTHS = [24, 16, 8, 18, 16, 12, 14];
/** Style indexes of styles.xml below: 0 plain, 1 builtin number format 2 ("0.00"), 2 bold. */
const STYLE = { plain: 0, twoDecimals: 1, bold: 2 } as const;

/**
 * Writes the register as a workbook (Office Open XML) straight from one COPY,
 * as the CSV is written: PostgreSQL makes each household's sheet row, XML and
 * all (sheetRowSql), and its bytes pass through the zip to the receiver with
 * backpressure end to end. Nothing per row is built here (no record, no
 * string), so memory stays flat however long the register: a per-row string
 * writer left garbage that outlived the young generation, and its peak grew
 * with the rows. Figures are numbers shown with two decimals; a further sheet
 * begins when one is full. Ends `out` when the workbook is complete; returns
 * the households written.
 */
export async function streamRegisterXlsx(
  db: DataSource,
  filter: RegisterFilter,
  out: Writable,
  onProgress: (rowsWritten: number) => Promise<void> = () => Promise.resolve(),
  { householdsPerSheet = XLSX_HOUSEHOLDS_PER_SHEET }: { householdsPerSheet?: number } = {},
): Promise<number> {
  const rows = copyOut(db, sheetRowsCopy(filter, householdsPerSheet));
  return writeWorkbook(rows, out, { householdsPerSheet, onProgress });
}

/** The COPY of the register's sheet rows, one `<row>` a line (see sheetRowSql). */
export function sheetRowsCopy(
  filter: RegisterFilter,
  householdsPerSheet = XLSX_HOUSEHOLDS_PER_SHEET,
): string {
  return `COPY (${approvedHouseholds(filter, sheetRowSql(householdsPerSheet))}) TO STDOUT`;
}

/**
 * A household's `<row>` of sheet XML as a PostgreSQL expression, numbered
 * within its sheet (the header is row 1). The text is escaped for XML, and
 * every character COPY's text format would escape (backslash, tab, newline,
 * carriage return) becomes a character reference instead, so the COPY's
 * bytes are the XML itself, one row a line. Characters XML 1.0 cannot hold
 * are dropped.
 */
export function sheetRowSql(householdsPerSheet: number): string {
  if (!Number.isSafeInteger(householdsPerSheet) || householdsPerSheet < 1)
    throw new RangeError(`householdsPerSheet must be a positive integer: ${householdsPerSheet}`);
  const row = `((row_number() OVER (ORDER BY ${REGISTER_ORDER}) - 1) % ${householdsPerSheet} + 2)`;
  const text = (ref: string, value: string, style: number = STYLE.plain) =>
    `<c r="${ref}%1$s" s="${style}" t="inlineStr"><is><t>${value}</t></is></c>`;
  const number = (ref: string, value: string, style: number = STYLE.plain) =>
    `<c r="${ref}%1$s" s="${style}"><v>${value}</v></c>`;
  const cells = [
    '<row r="%1$s">%2$s',
    text('B', '%3$s'),
    number('C', '%4$s'),
    number('D', '%5$s', STYLE.twoDecimals),
    number('E', '%6$s', STYLE.twoDecimals),
    text('F', '%7$s'),
    text('G', '%8$s'),
    '</row>',
  ].join('');
  // An empty archive number leaves its cell out, as a blank cell should be.
  const archiveCell = `CASE WHEN coalesce(${REGISTER_SQL.archiveNo}, '') = '' THEN ''
    ELSE format('<c r="A%s" s="${STYLE.plain}" t="inlineStr"><is><t>%s</t></is></c>',
                ${row}, ${xmlText(REGISTER_SQL.archiveNo)}) END`;
  return `format('${cells}', ${row}, ${archiveCell}, ${xmlText(REGISTER_SQL.community)},
    ${REGISTER_SQL.persons}, ${REGISTER_SQL.incomePerPerson}, ${REGISTER_SQL.areaPerPerson},
    ${REGISTER_SQL.incomeTier}, ${REGISTER_SQL.areaTier})`;
}

/** A text expression as XML character data whose bytes COPY passes on unescaped. */
function xmlText(expression: string): string {
  const dropped = `regexp_replace(${expression}, '[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]', '', 'g')`;
  const references: [string, string][] = [
    [`'&'`, `'&amp;'`],
    [`'<'`, `'&lt;'`],
    [`'>'`, `'&gt;'`],
    [`'\\'`, `'&#92;'`],
    ['chr(9)', `'&#9;'`],
    ['chr(10)', `'&#10;'`],
    ['chr(13)', `'&#13;'`],
  ];
  return references.reduce((sql, [from, to]) => `replace(${sql}, ${from}, ${to})`, dropped);
}

export interface WorkbookOptions {
  /** Households on a sheet before the next begins (a test makes it small). */
  householdsPerSheet?: number;
  /** Hears the running count of households written, every PROGRESS_EVERY. */
  onProgress?: (rowsWritten: number) => Promise<void>;
}

/**
 * Zips sheet rows (`<row>` elements, one a line, in chunks that may end
 * inside a line) into a workbook on `out`. The chunks pass on as they are,
 * or as slices where a sheet fills up; each waits until the zip has taken the
 * last, and the zip waits for `out`. Returns the rows written.
 */
export async function writeWorkbook(
  rows: AsyncIterable<Buffer>,
  out: Writable,
  { householdsPerSheet = XLSX_HOUSEHOLDS_PER_SHEET, onProgress }: WorkbookOptions = {},
): Promise<number> {
  const zip = new ZipFile();
  const sheetNames: string[] = [];
  let sheet = new PassThrough();
  let onSheet = 0;
  let count = 0;
  let reported = 0;
  let complete = false;
  const written = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    out.once('close', () => {
      const gone = new ExportAbortedError();
      // A receiver gone mid-file fails the write waiting on the sheet, which ends the COPY.
      if (!complete) sheet.destroy(gone);
      reject(gone);
    });
  });
  written.catch(() => undefined);
  zip.outputStream.pipe(out);

  const beginSheet = async () => {
    const n = sheetNames.length + 1;
    sheetNames.push(n === 1 ? SHEET_NAME : `${SHEET_NAME}(${n})`);
    sheet = new PassThrough();
    sheet.on('error', () => undefined); // seen by the write that waits on it
    zip.addReadStream(sheet, `xl/worksheets/sheet${n}.xml`);
    onSheet = 0;
    await writeChunk(sheet, SHEET_START + HEADER_ROW);
  };
  const endSheet = async () => {
    await writeChunk(sheet, SHEET_END);
    sheet.end();
  };

  try {
    await beginSheet();
    for await (const chunk of rows) {
      let from = 0;
      while (from < chunk.length) {
        if (onSheet === householdsPerSheet) {
          await endSheet();
          await beginSheet();
        }
        const { end, lines } = afterLines(chunk, from, householdsPerSheet - onSheet);
        await writeChunk(
          sheet,
          from === 0 && end === chunk.length ? chunk : chunk.subarray(from, end),
        );
        onSheet += lines;
        count += lines;
        from = end;
      }
      if (onProgress && count - reported >= PROGRESS_EVERY) await onProgress((reported = count));
    }
    await endSheet();
    for (const [name, content] of workbookParts(sheetNames))
      zip.addBuffer(Buffer.from(content, 'utf8'), name);
    zip.end();
    await written;
    complete = true;
    return count;
  } catch (error) {
    complete = true;
    sheet.destroy();
    out.destroy();
    throw error;
  }
}

const HEADER_ROW =
  '<row r="1">' +
  REGISTER_HEADER.map(
    (title, i) =>
      `<c r="${String.fromCharCode(65 + i)}1" s="${STYLE.bold}" t="inlineStr"><is><t>${escapeXml(title)}</t></is></c>`,
  ).join('') +
  '</row>\n';

/** Text as XML character data; characters XML 1.0 cannot hold are dropped. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

const SHEET_START =
  `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
  '<sheetViews><sheetView workbookViewId="0">' +
  '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
  '</sheetView></sheetViews>' +
  `<cols>${WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
  '<sheetData>';
const SHEET_END = '</sheetData></worksheet>';

/** Everything of the package but the sheets, written once their number is known. */
function workbookParts(sheetNames: string[]): [string, string][] {
  const sheets = sheetNames.map((_, i) => i + 1);
  return [
    [
      '[Content_Types].xml',
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        sheets
          .map(
            (n) =>
              `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
        `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/workbook.xml',
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
        sheetNames
          .map(
            (name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
          )
          .join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
        sheets
          .map(
            (n) =>
              `<Relationship Id="rId${n}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${n}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/styles.xml',
      `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>' +
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
        '<fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="3">' +
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        '</cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    ],
  ];
}
