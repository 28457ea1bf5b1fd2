import { CENSOR, redactingDestination, redactLine, REDACTED_KEYS } from './redacting-destination';

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe('redactLine', () => {
  it('passes a line without personal data keys unchanged', () => {
    const plain = line({
      level: 30,
      req: { id: 'r1', method: 'GET', path: '/api/x' },
      msg: 'idNumber',
    });
    expect(redactLine(plain)).toBe(plain);
  });

  it('replaces every listed key at any depth, in arrays too, and keeps the rest', () => {
    const deep = {
      a: { b: { c: { d: { e: { f: { idNumber: '360124196001010012', keep: 1 } } } } } },
    };
    const out = JSON.parse(
      redactLine(
        line({
          level: 50,
          err: { detail: 'Key (id_number)=(360124196001010012)', parameters: ['x'] },
          members: [{ name: '张三', annualIncome: 900000 }],
          deep,
          req: { headers: { authorization: 'Bearer t', cookie: 'c' } },
        }),
      ),
    );
    expect(out.err).toEqual({ detail: CENSOR, parameters: CENSOR });
    expect(out.members).toEqual([{ name: '张三', annualIncome: CENSOR }]);
    expect(out.deep.a.b.c.d.e.f).toEqual({ idNumber: CENSOR, keep: 1 });
    expect(out.req.headers).toEqual({ authorization: CENSOR, cookie: CENSOR });
    expect(out.level).toBe(50);
  });

  it.each(REDACTED_KEYS)('redacts %s', (key) => {
    const out = redactLine(line({ x: [{ [key]: 'secret-value' }] }));
    expect(out).not.toContain('secret-value');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('drops a line it cannot parse rather than write its data', () => {
    const out = redactLine('{"idNumber":"360124196001010012", broken\n');
    expect(out).not.toContain('360124196001010012');
    expect(JSON.parse(out).msg).toMatch(/dropped/);
  });

  it('writes what it redacted to the destination behind it', () => {
    const written: string[] = [];
    const destination = redactingDestination({ write: (s: string) => written.push(s) });
    destination.write(line({ password: 'hunter2' }));
    expect(written).toEqual([line({ password: CENSOR })]);
  });

  it('passes flushes on to the destination behind it', () => {
    const calls: string[] = [];
    const destination = redactingDestination({
      write: () => undefined,
      flush: (cb?: (err?: Error) => void) => {
        calls.push('flush');
        cb?.();
      },
      flushSync: () => calls.push('flushSync'),
      end: () => calls.push('end'),
    });
    const flushed = jest.fn();
    destination.flush(flushed);
    destination.flushSync();
    destination.end();
    expect(calls).toEqual(['flush', 'flushSync', 'end']);
    expect(flushed).toHaveBeenCalled();
  });

  it('writes through once the process is ending: what was buffered, then each line at once', () => {
    const calls: string[] = [];
    const destination = redactingDestination({
      write: () => calls.push('write'),
      flushSync: () => calls.push('flushSync'),
    });
    destination.write(line({ msg: 'before' }));
    expect(calls).toEqual(['write']);
    destination.writeThrough();
    destination.write(line({ msg: 'after' }));
    expect(calls).toEqual(['write', 'flushSync', 'write', 'flushSync']);
  });
});
