import { formatCount, formatProgress, ProgressLine, ratePerSecond } from './progress';

describe('progress', () => {
  const state = {
    day: 41,
    days: 103,
    date: '2025-10-11',
    transitions: 12_345,
    elapsedMs: 27_000,
    inFlight: 1_234,
  };

  it('draws the bar, the day, the transitions and their rate', () => {
    expect(formatProgress(state, 10)).toBe(
      '[####------]  39% 2025-10-11 day 41/103  12,345 transitions  457/s  in review 1,234',
    );
  });

  it('stays below 100% until the last day, whatever the estimate', () => {
    expect(formatProgress({ ...state, day: 150, days: 103 }, 10)).toContain('day 150/150');
    expect(formatProgress({ ...state, day: 102, days: 103 }, 10)).toContain(' 99% ');
    expect(formatProgress({ ...state, day: 103, days: 103 }, 10)).toContain('[##########] 100%');
  });

  it('has a zero rate before any time has passed', () => {
    expect(ratePerSecond(10, 0)).toBe(0);
    expect(formatCount(1234567.4)).toBe('1,234,567');
  });

  it('prints a line at most every interval when the output is not a terminal', () => {
    const written: string[] = [];
    const out = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream; // prettier-ignore
    const line = new ProgressLine(out, 1000);
    line.update('a', 5000);
    line.update('b', 5500);
    line.update('c', 6000);
    line.finish('done');
    expect(written).toEqual(['a\n', 'c\n', 'done\n']);
  });
});
