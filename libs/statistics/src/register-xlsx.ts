import { Readable, type Writable } from 'node:stream';
import { ZipFile } from 'yazl';
import { ExportAbortedError } from './backpressure';
import { REGISTER_HEADER, RegisterRecord, registerNumberCells } from './register-row';

/** A sheet holds at most 1,048,576 rows: the header and this many households. */
export const XLSX_HOUSEHOLDS_PER_SHEET = 1_048_575;

const SHEET_NAME = '困难家庭名册';
const WIDTHS = [24, 16, 8, 18, 16, 12, 14];
const COLUMNS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
/** Columns D and E (per-capita income and area) show two decimals. */
const TWO_DECIMAL_COLUMNS = new Set([3, 4]);
/** Rows of sheet XML handed to the zip at once (about 30 kB). */
const ROWS_PER_PIECE = 100;
/** Style indexes of styles.xml below: 0 plain, 1 builtin number format 2 ("0.00"), 2 bold. */
const STYLE = { plain: 0, twoDecimals: 1, bold: 2 } as const;

/**
 * Writes the register as a workbook (Office Open XML), one sheet row per
 * household, a further sheet when one is full. The sheet XML is made here, a
 * batch at a time, and flows through the zip to the receiver as a stream: the
 * zip reads the next batch's XML only once it has passed the last one on, and
 * the receiver's backpressure reaches back to the query, so memory stays flat
 * however long the register (a general workbook library builds objects for
 * every row and cell, and exceljs 4.4's streaming writer did not wait for its
 * zip: its memory grew with the register). Figures are numbers shown with two
 * decimals. Ends `out` when the workbook is complete; returns the households written.
 */
export async function writeRegisterXlsx(
  batches: AsyncIterable<readonly RegisterRecord[]>,
  out: Writable,
  { householdsPerSheet = XLSX_HOUSEHOLDS_PER_SHEET }: { householdsPerSheet?: number } = {},
): Promise<number> {
  const zip = new ZipFile();
  const written = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    out.once('close', () => reject(new ExportAbortedError()));
  });
  written.catch(() => undefined);
  zip.outputStream.pipe(out);

  const source = new RowSource(batches, householdsPerSheet);
  const sheetNames: string[] = [];
  let xml: Readable | undefined;
  try {
    do {
      const sheet = sheetNames.length + 1;
      sheetNames.push(sheet === 1 ? SHEET_NAME : `${SHEET_NAME}(${sheet})`);
      // Bytes, not objects: the stream holds one batch's XML before it waits for the zip.
      xml = Readable.from(sheetXml(source, out), { objectMode: false });
      const current = xml;
      const done = new Promise<void>((resolve, reject) => {
        current.once('end', resolve);
        current.once('error', reject);
      });
      zip.addReadStream(xml, `xl/worksheets/sheet${sheet}.xml`);
      // The next sheet exists only if this one filled up: known once it has been read.
      await Promise.race([done, written]);
    } while (!source.exhausted);
    for (const [name, content] of workbookParts(sheetNames))
      zip.addBuffer(Buffer.from(content, 'utf8'), name);
    zip.end();
    await written;
    return source.count;
  } catch (error) {
    xml?.destroy();
    await source.close();
    out.destroy();
    throw error;
  }
}

/** The households, a sheet's worth at a time, across batches that may straddle two sheets. */
class RowSource {
  private readonly iterator: AsyncIterator<readonly RegisterRecord[], unknown>;
  private pending: readonly RegisterRecord[] = [];
  private ended = false;
  count = 0;

  constructor(
    batches: AsyncIterable<readonly RegisterRecord[]>,
    private readonly perSheet: number,
  ) {
    this.iterator = batches[Symbol.asyncIterator]();
  }

  get exhausted(): boolean {
    return this.ended && this.pending.length === 0;
  }

  /** The next rows for a sheet that holds `onSheet` already; empty when the sheet is full or all are read. */
  async next(onSheet: number): Promise<readonly RegisterRecord[]> {
    const room = this.perSheet - onSheet;
    if (room <= 0) return [];
    if (this.pending.length === 0 && !this.ended) await this.pull();
    const rows = this.pending.slice(0, room);
    this.pending = this.pending.slice(rows.length);
    this.count += rows.length;
    // Peeks ahead when the sheet is exactly full, so a last empty sheet is never begun.
    if (this.pending.length === 0 && !this.ended && rows.length === room) await this.pull();
    return rows;
  }

  private async pull(): Promise<void> {
    const result = await this.iterator.next();
    if (result.done) this.ended = true;
    else this.pending = result.value;
  }

  /** Ends the batches early (their transaction is released). */
  async close(): Promise<void> {
    this.ended = true;
    await this.iterator.return?.();
  }
}

async function* sheetXml(source: RowSource, out: Writable): AsyncGenerator<string> {
  yield SHEET_START;
  yield rowXml(1, REGISTER_HEADER, STYLE.bold);
  let onSheet = 0;
  for (;;) {
    if (out.destroyed) throw new ExportAbortedError();
    const rows = await source.next(onSheet);
    if (rows.length === 0) break;
    let chunk = '';
    for (const [i, record] of rows.entries()) {
      onSheet += 1;
      chunk += rowXml(onSheet + 1, registerNumberCells(record));
      // Small pieces: a string past ~128 kB is born in V8's large-object space and
      // waits for a full collection; these die young, in the cheap one.
      if ((i + 1) % ROWS_PER_PIECE === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  yield SHEET_END;
}

function rowXml(
  r: number,
  cells: readonly (string | number)[],
  style: number = STYLE.plain,
): string {
  let xml = `<row r="${r}">`;
  cells.forEach((value, i) => {
    const ref = `${COLUMNS[i]}${r}`;
    if (typeof value === 'number') {
      const s = TWO_DECIMAL_COLUMNS.has(i) ? STYLE.twoDecimals : style;
      xml += `<c r="${ref}" s="${s}"><v>${value}</v></c>`;
    } else if (value !== '') {
      xml += `<c r="${ref}" s="${style}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`;
    }
  });
  return `${xml}</row>`;
}

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
