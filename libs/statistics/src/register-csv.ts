import type { Writable } from 'node:stream';
import { formatSquareMetres, formatYuan } from '@app/domain';
import { writeChunk } from './backpressure';
import { BOM, csvField } from './csv';
import {
  perCapitaOf,
  REGISTER_HEADER,
  RegisterRecord,
  registerAreaTier,
  registerIncomeTier,
} from './register-row';

/**
 * Writes the register as CSV (UTF-8 with a BOM, CRLF lines): the header, then
 * one line per household, a batch at a time as the batches come, waiting for
 * the receiver to drain whenever its buffer is full, so that only about one
 * batch is ever held. Returns the number of households written.
 */
export async function writeRegisterCsv(
  batches: AsyncIterable<readonly RegisterRecord[]>,
  out: Writable,
): Promise<number> {
  await writeChunk(out, `${BOM}${REGISTER_HEADER.join(',')}\r\n`);
  const communities = new Map<string, string>();
  const community = (name: string): string => {
    let field = communities.get(name);
    if (field === undefined) communities.set(name, (field = csvField(name)));
    return field;
  };
  let count = 0;
  for await (const batch of batches) {
    let chunk = '';
    for (const r of batch) {
      const each = perCapitaOf(r);
      chunk +=
        `${csvField(r.archiveNo ?? '')},${community(r.community)},${r.persons},` +
        `${formatYuan(each.incomeFen)},${formatSquareMetres(each.areaCenti)},` +
        `${registerIncomeTier(r.incomeTier)},${registerAreaTier(r.areaTier)}\r\n`;
    }
    count += batch.length;
    await writeChunk(out, chunk);
  }
  return count;
}
