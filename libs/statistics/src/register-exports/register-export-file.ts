import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { RegisterRecord } from '../register-row';
import { writeRegisterCsv } from '../register-csv';
import { writeRegisterXlsx } from '../register-xlsx';
import type { RegisterExportFormat } from './register-export';

export interface WrittenFile {
  rowsWritten: number;
  sizeBytes: number;
}

/**
 * Writes the register to `<path>.part`, flushes it to disk and only then
 * renames it to `path`: a crash at any moment leaves either no file or a
 * complete one under the final name. `onBatch` hears the running count after
 * each batch is written (progress).
 */
export async function writeRegisterFile(
  batches: AsyncIterable<readonly RegisterRecord[]>,
  format: RegisterExportFormat,
  path: string,
  onBatch: (rowsWritten: number) => Promise<void>,
): Promise<WrittenFile> {
  const part = `${path}.part`;
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(part);
  try {
    const counted = reportingProgress(batches, onBatch);
    let rowsWritten: number;
    if (format === 'csv') {
      rowsWritten = await writeRegisterCsv(counted, out);
      out.end();
    } else {
      // The workbook writer ends the stream when the workbook is complete.
      rowsWritten = await writeRegisterXlsx(counted, out);
    }
    await finished(out);
    await syncToDisk(part);
    await rename(part, path);
    return { rowsWritten, sizeBytes: (await stat(path)).size };
  } catch (error) {
    out.destroy();
    await rm(part, { force: true });
    throw error;
  }
}

/** Passes the batches on, and after the consumer has taken each, reports how many rows it has had. */
async function* reportingProgress(
  batches: AsyncIterable<readonly RegisterRecord[]>,
  onBatch: (rowsWritten: number) => Promise<void>,
): AsyncGenerator<readonly RegisterRecord[]> {
  let rows = 0;
  for await (const batch of batches) {
    yield batch;
    rows += batch.length;
    await onBatch(rows);
  }
}

async function syncToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
