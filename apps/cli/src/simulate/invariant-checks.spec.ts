import { chainEntries, noticeRules } from '@app/domain';
import {
  ChainTally,
  displayWidth,
  expectedTierTable,
  explainOutcome,
  formatTierTable,
  tallyLines,
  tierTableDifferences,
  unexpectedHours,
} from './invariant-checks';
import type { HistoryRow } from '@app/workflow';

const RULES = noticeRules(2025, 4_300_000);

describe('explainOutcome', () => {
  const planned = { fate: 'approved' as const, because: 'approved at every level' };

  it('explains an end the plan foresaw by the plan', () => {
    expect(explainOutcome({ expected: planned, refusals: [] }, 'approved')).toBe(
      'approved at every level',
    );
  });

  it('explains a draft by a refused submission: another live application, the window closed', () => {
    expect(
      explainOutcome(
        { expected: planned, refusals: [{ act: 'submit', code: 'MEMBER_IN_OTHER_APPLICATION', details: [] }] }, // prettier-ignore
        'draft',
      ),
    ).toBe('submission refused: MEMBER_IN_OTHER_APPLICATION');
    expect(
      explainOutcome(
        { expected: planned, refusals: [{ act: 'submit', code: 'NOT_SUBMITTABLE', details: ['MATERIAL_MISSING', 'MEMBER_IN_OTHER_APPLICATION'] }] }, // prettier-ignore
        'draft',
      ),
    ).toBe('submission refused: MEMBER_IN_OTHER_APPLICATION');
  });

  it('leaves anything else unexplained: a stuck review, a rejection nobody decided', () => {
    expect(explainOutcome({ expected: planned, refusals: [] }, 'town_review')).toBeNull();
    expect(explainOutcome({ expected: planned, refusals: [] }, 'rejected')).toBeNull();
    expect(
      explainOutcome(
        { expected: planned, refusals: [{ act: 'decide', code: 'OUTSIDE_CAMPAIGN_WINDOW', details: [] }] }, // prettier-ignore
        'draft',
      ),
    ).toBeNull();
  });
});

describe('expected tier table', () => {
  const households = [
    { persons: 3, householdIncomeFen: 3 * 1_290_000, countedAreaCenti: 0 }, // 0.3 × ref exactly, no housing
    { persons: 2, householdIncomeFen: 2 * 1_290_001, countedAreaCenti: 2 * 1000 }, // just above 0.3, 10 m² each
    { persons: 1, householdIncomeFen: 4_300_000, countedAreaCenti: 501 }, // 1.0, (5, 6]
  ];
  const table = expectedTierTable(households, RULES);

  it('puts each household in its cell, bounds included', () => {
    expect(table.cells[0][0]).toEqual({ households: 1, persons: 3 });
    expect(table.cells[1][6]).toEqual({ households: 1, persons: 2 });
    expect(table.cells[7][2]).toEqual({ households: 1, persons: 1 });
    expect(table.total).toEqual({ households: 3, persons: 6 });
  });

  it('finds no difference with itself and names the cell that differs', () => {
    expect(tierTableDifferences(table, table)).toEqual([]);
    const other = expectedTierTable(households.slice(1), RULES);
    expect(tierTableDifferences(table, other)).toEqual(['0.3以下 × 无房户: expected 1/3, got 0/0']);
  });

  it('prints the table with the notice labels, aligned for CJK widths', () => {
    const lines = formatTierTable(table);
    expect(lines[0]).toContain('无房户');
    expect(lines[0]).toContain('10平方米以下');
    expect(
      lines
        .slice(0, -1)
        .map(displayWidth)
        .every((w) => w === displayWidth(lines[0])),
    ).toBe(true);
    expect(lines.at(-1)).toBe('households 3, persons 6, outside every tier 0');
  });
});

describe('ChainTally', () => {
  const row = (e: ReturnType<typeof chainEntries>[number]): HistoryRow => ({
    application_id: e.applicationId,
    seq: e.seq,
    type: e.type,
    from_status: e.from,
    to_status: e.to,
    actor_id: e.actorId,
    actor_name: e.actorName!,
    actor_role: e.actorRole,
    opinion: e.opinion,
    signature: e.signature,
    corrections: e.corrections,
    at: new Date(e.at),
    prev_hash: e.prevHash,
    hash: e.hash,
  });
  const history = (applicationId: string, n: number) =>
    chainEntries(
      Array.from({ length: n }, (_, i) => ({
        applicationId,
        seq: i + 1,
        type: 'approve',
        from: 'a',
        to: 'b',
        actorId: null,
        actorName: '系统',
        actorRole: 'system',
        opinion: null,
        signature: null,
        corrections: i === 0 ? { field: 'area', before: 30, after: 29.5 } : null,
        at: `2025-09-0${i + 1}T02:00:00.000Z`,
      })),
    ).map(row);

  it('verifies each application in turn, across pages', () => {
    const tally = new ChainTally();
    const rows = [...history('a', 3), ...history('b', 2)];
    tally.add(rows.slice(0, 2));
    tally.add(rows.slice(2));
    tally.flush();
    expect({ valid: tally.valid, entries: tally.entries, broken: tally.broken }).toEqual({
      valid: 2,
      entries: 5,
      broken: [],
    });
  });

  it('reports a changed entry with its seq', () => {
    const rows = history('a', 3);
    rows[1] = { ...rows[1], opinion: '改过' };
    const tally = new ChainTally();
    tally.add(rows);
    tally.flush();
    expect(tally.broken).toEqual([{ applicationId: 'a', reason: 'HASH_MISMATCH', seq: 2 }]);
  });
});

describe('unexpectedHours', () => {
  it('accepts commands at their hour and timers at midnight, and names anything else', () => {
    expect(
      unexpectedHours([
        { type: 'approve', hm: '10:00', n: 5 },
        { type: 'notice_end', hm: '00:00', n: 3 },
        { type: 'approve', hm: '09:00', n: 1 },
      ]),
    ).toEqual(['1 × approve at 09:00 (expected 10:00)']);
  });
});

describe('tallyLines', () => {
  it('lists the largest count first', () => {
    expect(tallyLines(new Map([['a', 1], ['b', 1200]]), '')).toEqual(['   1,200  b', '       1  a']); // prettier-ignore
  });
});
