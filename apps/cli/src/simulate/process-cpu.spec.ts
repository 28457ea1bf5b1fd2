import { cpuSecondsOfStat } from './process-cpu';

describe('cpuSecondsOfStat', () => {
  it('adds utime and stime (ticks of 1/100 s), reading after the command name', () => {
    const stat =
      '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 11 0';
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(3.8);
  });
});
