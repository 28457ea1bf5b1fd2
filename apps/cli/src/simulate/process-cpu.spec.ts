import { BackendCpu, cpuSecondsOfStat, processCpuSeconds } from './process-cpu';

describe('cpuSecondsOfStat', () => {
  it('adds utime and stime (ticks of 1/100 s), reading after the command name', () => {
    const stat =
      '4242 (node (worker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 11 0';
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(3.8);
  });
});

describe('BackendCpu', () => {
  it('counts by the name each client gave, most first, from begin to the highest sample', () => {
    // Three backends: CPU seconds so far as /proc would read them; 13 has ended.
    const used = new Map<number, number | null>([
      [11, 2],
      [12, 1],
      [13, 5],
    ]);
    const cpu = new BackendCpu((pid) => used.get(pid) ?? null);
    const open = [
      { pid: 11, name: 'housing-simulate' },
      { pid: 12, name: 'housing-worker' },
      { pid: 13, name: 'housing-worker' },
    ];
    cpu.begin(open);
    used.set(11, 2.5).set(12, 4).set(13, 6.5);
    cpu.sample(open);
    used.set(12, 3.9).set(13, null); // a lower reading never lowers a figure; a gone one keeps its last
    used.set(14, 0.75);
    cpu.sample([...open, { pid: 14, name: 'housing-simulate-vacuum' }]); // opened after begin: all of it counts
    expect([...cpu.byName()]).toEqual([
      ['housing-worker', 3 + 1.5],
      ['housing-simulate-vacuum', 0.75],
      ['housing-simulate', 0.5],
    ]);
    expect(cpu.seconds).toBeCloseTo(5.75, 10);
    expect(cpu.backends).toBe(4);
  });

  it('reads this process from /proc by default', () => {
    const cpu = new BackendCpu();
    const self = [{ pid: process.pid, name: 'self' }];
    cpu.begin(self);
    const until = processCpuSeconds(process.pid)! + 0.05;
    while (processCpuSeconds(process.pid)! < until) Math.sqrt(Math.random());
    cpu.sample(self);
    expect(cpu.byName().get('self')).toBeGreaterThan(0.049); // tick sums in floating point
  });
});
