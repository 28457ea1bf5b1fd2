import { Writable } from 'node:stream';
import { ExportAbortedError } from './backpressure';
import { writeRegisterCsv } from './register-csv';
import type { RegisterRecord } from './register-row';

const record = (n: number, community = '城南社区'): RegisterRecord => ({
  archiveNo: `A-${String(n).padStart(4, '0')}`,
  community,
  persons: 3,
  householdIncomeFen: 1_800_001,
  countedAreaCenti: 1500,
  incomeTier: 40,
  areaTier: 500,
});

async function* batchesOf(batches: RegisterRecord[][], read: number[] = []) {
  for (const [i, batch] of batches.entries()) {
    await Promise.resolve(); // as a query would
    read.push(i);
    yield batch;
  }
}

/** A receiver that takes one chunk at a time, each when the test lets it go. */
function slowSink(highWaterMark = 16) {
  const chunks: string[] = [];
  const pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      pending.push(done);
    },
  });
  return { sink, chunks, release: () => pending.splice(0).forEach((done) => done()) };
}

describe('writeRegisterCsv', () => {
  it('writes the BOM, the header and one CRLF line per household, figures to 0.01', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        chunks.push(chunk);
        done();
      },
    });
    const count = await writeRegisterCsv(batchesOf([[record(1)], [record(2, '=SUM(A1),x')]]), sink);
    expect(count).toBe(2);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe(
      '\uFEFF档案编号,社区,人数,人均可支配收入(元),人均住房面积(m²),收入档次,面积档次\r\n' +
        'A-0001,城南社区,3,6000.00,5.00,0.4以下,5平方米以下\r\n' +
        `A-0002,"'=SUM(A1),x",3,6000.00,5.00,0.4以下,5平方米以下\r\n`,
    );
  });

  it('reads no further batch while the receiver has not drained', async () => {
    const { sink, chunks, release } = slowSink();
    const read: number[] = [];
    const done = writeRegisterCsv(batchesOf([[record(1)], [record(2)], [record(3)]], read), sink);
    await new Promise((resolve) => setImmediate(resolve));
    // The header filled the buffer: nothing is read until it drains.
    expect(read).toEqual([]);
    expect(chunks).toHaveLength(1);
    for (let step = 1; step <= 3; step++) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
      expect(read).toEqual([0, 1, 2].slice(0, step));
    }
    release();
    expect(await done).toBe(3);
  });

  it('stops reading when the receiver goes away', async () => {
    const { sink } = slowSink();
    const read: number[] = [];
    const done = writeRegisterCsv(batchesOf([[record(1)], [record(2)]], read), sink);
    sink.destroy();
    await expect(done).rejects.toBeInstanceOf(ExportAbortedError);
    expect(read).toEqual([]);
  });
});
