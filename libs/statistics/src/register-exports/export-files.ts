import { join } from 'node:path';
import type { RegisterFormat } from '../register-writer';

/**
 * Export files live under `<UPLOAD_DIR>/exports`, named by the export's id
 * (never by anything a client sent). A file is written as `.part` and renamed
 * when complete, so a complete-looking name is always a complete file.
 */
export function exportsDir(uploadDir: string): string {
  return join(uploadDir, 'exports');
}

export function exportFilePath(uploadDir: string, id: string, format: RegisterFormat): string {
  return join(exportsDir(uploadDir), `${id}.${format}`);
}
