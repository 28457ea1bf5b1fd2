import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { streamRegisterCsv } from './register-csv';
import type { RegisterFilter } from './register-source';
import { streamRegisterXlsx } from './register-xlsx';
import { XLSX_CONTENT_TYPE } from './xlsx';

export type RegisterFormat = 'csv' | 'xlsx';

export const REGISTER_CONTENT_TYPES: Record<RegisterFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: XLSX_CONTENT_TYPE,
};

/**
 * Writes the register of `filter` in `format` to `out` and ends it; the one
 * way both the direct download and a queued export make the file. `onProgress`
 * hears the running count of households written. Answers how many there were.
 */
export async function writeRegister(
  db: DataSource,
  filter: RegisterFilter,
  format: RegisterFormat,
  out: Writable,
  onProgress: (rowsWritten: number) => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  if (format === 'xlsx') {
    // The workbook writer ends `out` when the workbook is complete.
    return streamRegisterXlsx(db, filter, out, onProgress);
  }
  const rows = await streamRegisterCsv(db, filter, out, onProgress);
  out.end();
  return rows;
}
