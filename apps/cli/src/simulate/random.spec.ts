import { Random } from './random';

describe('Random', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.next());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
  });

  it('draws integers inside both bounds, each bound reached', () => {
    const r = new Random(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(r.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('draws weighted keys in proportion to their weights', () => {
    const r = new Random(2);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[
        r.weighted([
          ['a', 1],
          ['b', 3],
        ])
      ]++;
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('refuses to pick from nothing or weigh nothing', () => {
    const r = new Random(3);
    expect(() => r.pick([])).toThrow(RangeError);
    expect(() => r.weighted([['a', 0]])).toThrow(RangeError);
  });

  it('forks a sub-sequence that later draws of the parent do not shift', () => {
    const a = new Random(9);
    const forkA = a.fork();
    const b = new Random(9);
    const forkB = b.fork();
    b.next();
    expect(forkB.next()).toBe(forkA.next());
  });
});
