import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { stream, Worksheet } from 'exceljs';
import { drained, ExportAbortedError } from './backpressure';
import { REGISTER_HEADER, RegisterRecord, registerNumberCells } from './register-row';

/** A sheet holds at most 1,048,576 rows: the header and this many households. */
export const XLSX_HOUSEHOLDS_PER_SHEET = 1_048_575;

const SHEET_NAME = '困难家庭名册';
const WIDTHS = [24, 16, 8, 18, 16, 12, 14];
const TWO_DECIMALS = '0.00';

/** How much sheet XML may wait for the zip before the writer stops adding rows. */
const ZIP_BACKLOG_MAX_BYTES = 1 << 20;

interface StreamState {
  length: number;
}

/**
 * exceljs 4.4's streaming writer hands a sheet's XML to the zip through a
 * PassThrough (archiver's wrapper around the sheet's StreamBuf) and never
 * waits for it: rows become XML faster than the zip takes them, and without a
 * check the XML piles up there uncompressed (60 MB by 200,000 rows, measured).
 * This reads that PassThrough's backlog in bytes so the writer can wait for
 * the zip as it waits for the receiver. Null if exceljs is no longer built
 * this way; register-xlsx.spec.ts fails then, rather than memory silently growing.
 */
export function zipBacklog(sheet: Worksheet): (() => number) | null {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  const intake = (Array.isArray(pipes) ? pipes[0] : undefined) as
    { _writableState?: StreamState; _readableState?: StreamState } | undefined;
  const writable = intake?._writableState;
  const readable = intake?._readableState;
  if (typeof writable?.length !== 'number' || typeof readable?.length !== 'number') return null;
  return () => writable.length + readable.length;
}

/** Waits (polling: the PassThrough has no event for "below a size") while the zip is behind. */
async function zipCaughtUp(backlog: (() => number) | null, out: Writable): Promise<void> {
  while (backlog && backlog() > ZIP_BACKLOG_MAX_BYTES) {
    if (out.destroyed) throw new ExportAbortedError();
    await sleep(1);
  }
}

/**
 * Writes the register as a workbook through exceljs's streaming writer: each
 * row is committed (written out and forgotten) as it is added, and after each
 * batch the writer waits while the zip is behind (see zipBacklog) and while
 * the receiver's buffer is full, so memory stays flat however long the register. The figures are numbers shown with two
 * decimals. A register longer than a sheet goes on in a second sheet.
 * Returns the number of households written.
 */
export async function writeRegisterXlsx(
  batches: AsyncIterable<readonly RegisterRecord[]>,
  out: Writable,
  { householdsPerSheet = XLSX_HOUSEHOLDS_PER_SHEET }: { householdsPerSheet?: number } = {},
): Promise<number> {
  const workbook = new stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'housing-survey';
  let sheets = 0;
  const nextSheet = (): Worksheet => {
    sheets += 1;
    const sheet = workbook.addWorksheet(sheets === 1 ? SHEET_NAME : `${SHEET_NAME}(${sheets})`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = WIDTHS.map((width, i) => ({
      width,
      style: i === 3 || i === 4 ? { numFmt: TWO_DECIMALS } : {},
    }));
    const header = sheet.addRow([...REGISTER_HEADER]);
    header.font = { bold: true };
    header.commit();
    return sheet;
  };
  let sheet = nextSheet();
  let backlog = zipBacklog(sheet);
  let onSheet = 0;
  let count = 0;
  for await (const batch of batches) {
    for (const r of batch) {
      if (onSheet === householdsPerSheet) {
        sheet.commit();
        sheet = nextSheet();
        backlog = zipBacklog(sheet);
        onSheet = 0;
      }
      sheet.addRow(registerNumberCells(r)).commit();
      onSheet += 1;
    }
    count += batch.length;
    await zipCaughtUp(backlog, out);
    await drained(out);
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
