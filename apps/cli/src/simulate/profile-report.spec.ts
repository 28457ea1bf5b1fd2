import {
  categoryOf,
  CpuProfile,
  mergeQueryTimings,
  profileLines,
  selfTimes,
} from './profile-report';

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3] },
    { id: 2, callFrame: { functionName: 'parse', url: 'file:///w/node_modules/pg-protocol/dist/parser.js', lineNumber: 9 } }, // prettier-ignore
    { id: 3, callFrame: { functionName: 'apply', url: 'file:///w/dist/libs/workflow/src/engine/transition-engine.js', lineNumber: 41 } }, // prettier-ignore
    { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ],
  samples: [2, 2, 3, 4],
  timeDeltas: [1000, 3000, 2000, 4000],
};

describe('profile report', () => {
  it('adds self time per function and per place, from the samples and their deltas', () => {
    const s = selfTimes(profile);
    expect(s.total).toBe(10);
    expect(s.byCategory).toEqual([
      { key: '(garbage collector)', ms: 4 },
      { key: 'pg-protocol', ms: 4 },
      { key: 'libs/workflow', ms: 2 },
    ]);
    expect(s.byFunction[1]).toEqual({ key: 'parse pg-protocol/dist/parser.js:10', ms: 4 });
  });

  it('names packages, scoped packages, the project and Node', () => {
    expect(categoryOf('file:///w/node_modules/@nestjs/core/x.js', 'f')).toBe('@nestjs/core');
    expect(categoryOf('file:///w/dist/apps/worker/src/main.js', 'f')).toBe('apps/worker');
    expect(categoryOf('node:internal/streams', 'f')).toBe('node internals');
    expect(categoryOf('', '(idle)')).toBe('(idle)');
  });

  it("adds up the workers' query timings", () => {
    const merged = mergeQueryTimings([
      [{ text: 'COMMIT', count: 2, totalMs: 10, maxMs: 6 }],
      [
        { text: 'COMMIT', count: 1, totalMs: 8, maxMs: 8 },
        { text: 'SELECT 1', count: 5, totalMs: 1, maxMs: 1 },
      ],
    ]);
    expect(merged[0]).toEqual({ text: 'COMMIT', count: 3, totalMs: 18, maxMs: 8 });
    expect(profileLines([profile], merged).some((l) => l.includes('COMMIT'))).toBe(true);
  });
});
