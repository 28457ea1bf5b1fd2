import { Writable } from 'node:stream';
import { Workbook } from 'exceljs';
import { ExportAbortedError } from './backpressure';
import { REGISTER_HEADER } from './register-columns';
import { sheetRowSql, writeWorkbook } from './register-xlsx';

/** Sheet rows as the COPY gives them: one `<row>` a line, numbered within sheets of `perSheet`. */
function rowLines(count: number, perSheet: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const r = (i % perSheet) + 2;
    text +=
      `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>A-${String(i).padStart(6, '0')}</t></is></c>` +
      `<c r="C${r}"><v>${1 + (i % 6)}</v></c><c r="D${r}" s="1"><v>1666.67</v></c></row>\n`;
  }
  return text;
}

/** The bytes in chunks of `size`, so that most end inside a line, as a COPY's do. */
async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve(); // as a socket would
    yield bytes.subarray(i, i + size);
  }
}

function collecting(): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

async function load(bytes: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

describe('writeWorkbook', () => {
  it('zips the rows into a sheet under a bold header, reporting progress', async () => {
    const { out, bytes } = collecting();
    const heard: number[] = [];
    const written = await writeWorkbook(chunked(rowLines(12_000, 1_048_575), 4093), out, {
      onProgress: (n) => {
        heard.push(n);
        return Promise.resolve();
      },
    });
    expect(written).toBe(12_000);
    expect(heard).toHaveLength(2);
    const workbook = await load(bytes());
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['困难家庭名册']);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(12_001);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...REGISTER_HEADER]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getRow(12_001).values).toEqual([undefined, 'A-011999', undefined, 6, 1666.67]);
    expect(sheet.getCell('D2').numFmt).toBe('0.00');
  });

  it.each([
    ['a sheet ends inside a chunk', 10, 7, 25],
    ['a sheet ends exactly at the last row', 10, 5, 10],
    ['rows fill sheets exactly, with no empty sheet after', 9, 3, 1000],
  ])('begins a further sheet when one is full: %s', async (_case, rows, perSheet, chunkSize) => {
    const { out, bytes } = collecting();
    const written = await writeWorkbook(chunked(rowLines(rows, perSheet), chunkSize), out, {
      householdsPerSheet: perSheet,
    });
    expect(written).toBe(rows);
    const workbook = await load(bytes());
    const sheets = Math.ceil(rows / perSheet);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(
      Array.from({ length: sheets }, (_, i) =>
        i === 0 ? '困难家庭名册' : `困难家庭名册(${i + 1})`,
      ),
    );
    const archiveNumbers = workbook.worksheets.flatMap((sheet) => {
      const values: unknown[] = [];
      sheet.eachRow((row, n) => {
        if (n === 1) expect(row.getCell(1).value).toBe(REGISTER_HEADER[0]);
        else values.push(row.getCell(1).value);
      });
      return values;
    });
    expect(archiveNumbers).toEqual(
      Array.from({ length: rows }, (_, i) => `A-${String(i).padStart(6, '0')}`),
    );
  });

  it('an empty register is a sheet with its header only', async () => {
    const { out, bytes } = collecting();
    expect(await writeWorkbook(chunked('', 10), out)).toBe(0);
    const workbook = await load(bytes());
    expect(workbook.worksheets).toHaveLength(1);
    expect(workbook.worksheets[0].rowCount).toBe(1);
  });

  it('stops reading the rows when the receiver goes away', async () => {
    let read = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          await Promise.resolve();
          read += 1;
          yield Buffer.from(rowLines(100, 1_048_575));
        }
      } finally {
        closed = true;
      }
    }
    let bytes = 0;
    const leaving = new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > 64 * 1024) leaving.destroy();
        done();
      },
    });
    await expect(writeWorkbook(endless(), leaving)).rejects.toBeInstanceOf(ExportAbortedError);
    expect(closed).toBe(true);
    expect(read).toBeLessThan(1000);
  });
});

describe('sheetRowSql', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses %p households a sheet', (n) => {
    expect(() => sheetRowSql(n)).toThrow(RangeError);
  });
});
