import { inWaves, isTransient, Latencies, retryTransient, runInWaves, runLimited } from './pool';

describe('runLimited', () => {
  it('never has more than the limit in flight and runs every item', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await runLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n % 3));
      done.push(n);
      inFlight--;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rethrows the first failure once the started work has settled', async () => {
    const started: number[] = [];
    await expect(
      runLimited([1, 2, 3, 4], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('one');
        await Promise.resolve();
      }),
    ).rejects.toThrow('one');
    expect(started).not.toContain(4);
  });
});

describe('inWaves', () => {
  const keys = (item: { keys: string[] }) => item.keys;

  it('keeps items without a shared key in one wave, in their order', () => {
    const items = [{ keys: ['a', 'b'] }, { keys: ['c'] }, { keys: [] }, { keys: ['d'] }];
    expect(inWaves(items, keys)).toEqual([items]);
  });

  it('puts an item after every earlier item it shares a key with', () => {
    const parents = { keys: ['p1', 'p2', 'child'] };
    const other = { keys: ['x'] };
    const child = { keys: ['child'] };
    const childAgain = { keys: ['child', 'y'] };
    const y = { keys: ['y'] };
    expect(inWaves([parents, other, child, childAgain, y], keys)).toEqual([
      [parents, other],
      [child],
      [childAgain],
      [y],
    ]);
  });

  it('gives nothing for no items', () => {
    expect(inWaves([], keys)).toEqual([]);
  });
});

describe('runInWaves', () => {
  it('never has two items sharing a key in flight, and runs them in their order', async () => {
    const items = [
      { name: 'parents', keys: ['p1', 'child'], ms: 8 },
      { name: 'a', keys: ['a'], ms: 1 },
      { name: 'child', keys: ['child'], ms: 0 },
      { name: 'b', keys: ['b'], ms: 2 },
    ];
    const inFlight = new Set<string>();
    const events: string[] = [];
    let most = 0;
    await runInWaves(
      items,
      (i) => i.keys,
      4,
      async (item) => {
        for (const other of inFlight) {
          const shared = items
            .find((i) => i.name === other)!
            .keys.some((k) => item.keys.includes(k));
          if (shared) throw new Error(`${item.name} started while ${other} was in flight`);
        }
        inFlight.add(item.name);
        most = Math.max(most, inFlight.size);
        events.push(`start ${item.name}`);
        await new Promise((r) => setTimeout(r, item.ms));
        inFlight.delete(item.name);
        events.push(`end ${item.name}`);
      },
    );
    // The child waits for its parents' household, which finishes last of the
    // first wave; the others run alongside the parents.
    expect(most).toBe(3);
    expect(events.indexOf('start child')).toBeGreaterThan(events.indexOf('end parents'));
    expect(events.slice(0, 3)).toEqual(['start parents', 'start a', 'start b']);
  });
});

describe('Latencies', () => {
  it('summarises count, mean, median, 95th percentile and maximum', () => {
    const l = new Latencies();
    for (let i = 1; i <= 100; i++) l.add(i);
    expect(l.summary()).toEqual({ count: 100, mean: 50.5, p50: 51, p95: 96, max: 100 });
    expect(new Latencies().summary()).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, max: 0 });
  });
});

describe('retryTransient', () => {
  it("retries PostgreSQL's connection limit and counts it, but not other errors", async () => {
    const retries = { count: 0 };
    let calls = 0;
    const value = await retryTransient(
      () =>
        ++calls < 2
          ? Promise.reject(new Error('sorry, too many clients already'))
          : Promise.resolve('ok'),
      retries,
    );
    expect(value).toBe('ok');
    expect(retries.count).toBe(1);
    await expect(retryTransient(() => Promise.reject(new Error('boom')), retries)).rejects.toThrow(
      'boom',
    );
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransient(new Error('duplicate key value violates unique constraint'))).toBe(false);
  });
});
