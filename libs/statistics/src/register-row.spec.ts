import { perCapitaOf, RegisterRecord, registerNumberCells } from './register-row';

const household = (overrides: Partial<RegisterRecord> = {}): RegisterRecord => ({
  archiveNo: '360124-2025-000001',
  community: '城南社区',
  persons: 3,
  householdIncomeFen: 1_000_000,
  countedAreaCenti: 2000,
  incomeTier: 30,
  areaTier: 700,
  ...overrides,
});

describe('a register row', () => {
  it.each([
    [1_000_000, 3, 333_333], // 3333.333… yuan
    [2_000_000, 3, 666_667], // 6666.666… rounds up
    [3, 2, 2], // 0.015 rounds half up
    [0, 4, 0],
  ])('%p fen for %p persons is %p fen each', (fen, persons, each) => {
    expect(perCapitaOf(household({ householdIncomeFen: fen, persons })).incomeFen).toBe(each);
  });

  it('shows the figures as numbers of yuan and m², the tiers in the notice’s words', () => {
    expect(registerNumberCells(household())).toEqual([
      '360124-2025-000001',
      '城南社区',
      3,
      3333.33,
      6.67,
      '0.3以下',
      '7平方米以下',
    ]);
  });

  it('names the no-housing tier, and says so when a tier is missing rather than leave it blank', () => {
    const cells = registerNumberCells(
      household({ areaTier: 'none', countedAreaCenti: 0, incomeTier: null, archiveNo: null }),
    );
    expect(cells).toEqual(['', '城南社区', 3, 3333.33, 0, '未进入分档', '无房户']);
  });
});
