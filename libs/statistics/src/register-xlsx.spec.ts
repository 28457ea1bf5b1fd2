import { Writable } from 'node:stream';
import { Workbook } from 'exceljs';
import type { RegisterRecord } from './register-row';
import { writeRegisterXlsx } from './register-xlsx';

describe('writeRegisterXlsx', () => {
  it('writes a workbook that reads back row for row', async () => {
    const records: RegisterRecord[] = Array.from({ length: 30_000 }, (_, i) => ({
      archiveNo: `A-${String(i).padStart(6, '0')}`,
      community: '城南社区',
      persons: 1 + (i % 6),
      householdIncomeFen: 1_000_000,
      countedAreaCenti: 0,
      incomeTier: 30,
      areaTier: 'none',
    }));
    async function* batches() {
      for (let i = 0; i < records.length; i += 5000) {
        await Promise.resolve(); // as a query would
        yield records.slice(i, i + 5000);
      }
    }
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    expect(await writeRegisterXlsx(batches(), out)).toBe(30_000);
    const workbook = new Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(30_001);
    expect(sheet.getRow(30_001).values).toEqual([
      undefined,
      'A-029999',
      '城南社区',
      6,
      1666.67,
      0,
      '0.3以下',
      '无房户',
    ]);
  });
});
