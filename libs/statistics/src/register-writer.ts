import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { streamRegisterCsv } from './register-copy';
import type { RegisterRecord } from './register-row';
import { registerBatches, RegisterFilter } from './register-source';
import { writeRegisterXlsx } from './register-xlsx';
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
    return writeRegisterXlsx(reportingProgress(registerBatches(db, filter), onProgress), out);
  }
  const rows = await streamRegisterCsv(db, filter, out, onProgress);
  out.end();
  return rows;
}

/** Passes the batches on and, once the writer has taken each, reports how many rows it has had. */
async function* reportingProgress(
  batches: AsyncIterable<RegisterRecord[]>,
  onBatch: (rowsWritten: number) => Promise<void>,
): AsyncGenerator<RegisterRecord[]> {
  let rows = 0;
  for await (const batch of batches) {
    yield batch;
    rows += batch.length;
    await onBatch(rows);
  }
}
