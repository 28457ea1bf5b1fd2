import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export interface WrittenFile {
  rowsWritten: number;
  sizeBytes: number;
}

/**
 * Writes a file through `write` (which ends the stream and answers the rows it wrote) to
 * `<path>.part`, flushes it to disk and only then renames it to `path`: a
 * crash at any moment leaves either no file or a complete one under the final
 * name. A failure removes the part.
 */
export async function writeFileAtomically(
  path: string,
  write: (out: Writable) => Promise<number>,
): Promise<WrittenFile> {
  const part = `${path}.part`;
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(part);
  try {
    const rowsWritten = await write(out);
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

async function syncToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
