import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { writeChunk } from './backpressure';
import { BOM } from './csv';
import { REGISTER_HEADER, REGISTER_SQL } from './register-columns';
import {
  approvedHouseholds,
  copyOut,
  countLines,
  LF,
  PROGRESS_EVERY,
  RegisterFilter,
} from './register-source';

/**
 * One CSV line per approved household, formatted by PostgreSQL (REGISTER_SQL),
 * with a community name a spreadsheet would run as a formula kept as text.
 */
const CSV_COLUMNS = [
  REGISTER_SQL.archiveNo,
  `CASE WHEN left(r.name, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
        THEN '''' || r.name ELSE r.name END`,
  REGISTER_SQL.persons,
  REGISTER_SQL.incomePerPerson,
  REGISTER_SQL.areaPerPerson,
  REGISTER_SQL.incomeTier,
  REGISTER_SQL.areaTier,
].join(',\n  ');

/**
 * Writes the register as CSV (UTF-8 with a BOM, CRLF lines) straight from one
 * COPY: PostgreSQL formats the lines and the bytes pass through, a socket
 * chunk at a time, waiting whenever the receiver is full. Nothing per row is
 * built here, so memory stays flat however long the register, and one
 * statement sees one moment (a household approved meanwhile is in no line).
 * A receiver that goes away stops the COPY (see copyOut). Returns the number
 * of households written.
 */
export async function streamRegisterCsv(
  db: DataSource,
  filter: RegisterFilter,
  out: Writable,
  onProgress: (rowsWritten: number) => Promise<void> = () => Promise.resolve(),
): Promise<number> {
  await writeChunk(out, `${BOM}${REGISTER_HEADER.join(',')}\r\n`);
  const sql = `COPY (${approvedHouseholds(filter, CSV_COLUMNS)}) TO STDOUT WITH (FORMAT csv)`;
  let rows = 0;
  let reported = 0;
  for await (const chunk of copyOut(db, sql)) {
    const lines = countLines(chunk);
    await writeChunk(out, withCrlf(chunk, lines));
    rows += lines;
    if (rows - reported >= PROGRESS_EVERY) await onProgress((reported = rows));
  }
  return rows;
}

/** COPY ends lines with LF only; RFC 4180 (and the direct route's readers) want CRLF. */
function withCrlf(chunk: Buffer, lines: number): Buffer {
  if (lines === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + lines);
  let from = 0;
  let to = 0;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
    to += chunk.copy(out, to, from, i);
    out[to++] = 0x0d;
    out[to++] = LF;
    from = i + 1;
  }
  chunk.copy(out, to, from);
  return out;
}
