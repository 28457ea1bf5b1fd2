import type { Writable } from 'node:stream';
import { escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import { NO_HOUSING_TIER } from '@app/applications';
import { LABELS } from './tier-labels';
import { writeChunk } from './backpressure';
import { BOM } from './csv';
import { NOT_IN_A_TIER, REGISTER_HEADER } from './register-row';
import { approvedHouseholds, copyOut, RegisterFilter } from './register-source';

/** Rows between two progress reports of a CSV export. */
export const CSV_PROGRESS_EVERY = 5000;

const LF = 0x0a;

/**
 * Hundredths (non-negative) as "12.34", as `formatHundredths` writes them; a
 * per-person figure is rounded half up first, as `perCapitaForDisplay` does.
 */
const perPerson = (total: string) => `(2 * ${total} + a.persons) / (2 * a.persons)`;
const hundredths = (x: string) => `(${x} / 100)::text || '.' || lpad((${x} % 100)::text, 2, '0')`;
const label = (text: string) => escapeLiteral(text);

/**
 * One CSV line per approved household, formatted by PostgreSQL exactly as the
 * workbook and the tier labels format them (`tier-labels.ts`, `register-row.ts`;
 * the integration tests compare the lines with figures worked by hand):
 * coefficients as 0.3 or 0.35, areas as 5 or 5.5, a text cell a spreadsheet
 * would run as a formula kept as text.
 */
const CSV_COLUMNS = `a.archive_no,
  CASE WHEN left(r.name, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
       THEN '''' || r.name ELSE r.name END,
  a.persons,
  ${hundredths(perPerson('a.household_income_fen'))},
  ${hundredths(perPerson('a.counted_area_centi'))},
  CASE WHEN a.income_tier IS NULL THEN ${label(NOT_IN_A_TIER)}
       WHEN a.income_tier % 10 = 0 THEN to_char(a.income_tier / 100.0, 'FM990.0') || '以下'
       ELSE to_char(a.income_tier / 100.0, 'FM990.00') || '以下' END,
  CASE WHEN a.area_tier IS NULL THEN ${label(NOT_IN_A_TIER)}
       WHEN a.area_tier = ${NO_HOUSING_TIER} THEN ${label(LABELS.noHousing)}
       ELSE trim_scale(a.area_tier / 100.0)::text || '平方米以下' END`;

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
    if (rows - reported >= CSV_PROGRESS_EVERY) await onProgress((reported = rows));
  }
  return rows;
}

function countLines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) n += 1;
  return n;
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
