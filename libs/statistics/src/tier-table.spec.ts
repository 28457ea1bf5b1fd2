import { layTierTable, TierAxes, TierGroup, tierTableBody, UnknownTierError } from './tier-table';

const NOTICE: TierAxes = {
  incomeCoefficients: [30, 40, 50, 60, 70, 80, 90, 100],
  areaTierBoundsCenti: [500, 600, 700, 800, 900, 1000],
};

const group = (
  incomeTier: number | null,
  areaTier: TierGroup['areaTier'],
  households: number,
  persons: number,
): TierGroup => ({ incomeTier, areaTier, households, persons });

describe('layTierTable', () => {
  it('is 8 rows of 7 zero cells when nothing was counted', () => {
    const table = layTierTable(NOTICE, []);
    expect(table.incomeTiers).toEqual([30, 40, 50, 60, 70, 80, 90, 100]);
    expect(table.areaTiers).toEqual(['none', 500, 600, 700, 800, 900, 1000]);
    expect(table.cells).toHaveLength(8);
    for (const row of table.cells)
      expect(row).toEqual(Array(7).fill({ households: 0, persons: 0 }));
    expect(table.rowTotals).toEqual(Array(8).fill({ households: 0, persons: 0 }));
    expect(table.columnTotals).toEqual(Array(7).fill({ households: 0, persons: 0 }));
    expect(table.total).toEqual({ households: 0, persons: 0 });
    expect(table.outsideTiers).toEqual({ households: 0, persons: 0 });
  });

  it('puts the no-housing tier in the first column and a bound in its own column', () => {
    const table = layTierTable(NOTICE, [group(30, 'none', 2, 5), group(100, 1000, 1, 3)]);
    expect(table.cells[0][0]).toEqual({ households: 2, persons: 5 });
    expect(table.cells[7][6]).toEqual({ households: 1, persons: 3 });
  });

  it('adds row, column and grand totals that reconcile', () => {
    const table = layTierTable(NOTICE, [
      group(30, 'none', 2, 5),
      group(30, 500, 1, 4),
      group(50, 500, 3, 7),
      group(90, 900, 1, 1),
    ]);
    expect(table.rowTotals[0]).toEqual({ households: 3, persons: 9 });
    expect(table.rowTotals[2]).toEqual({ households: 3, persons: 7 });
    expect(table.rowTotals[6]).toEqual({ households: 1, persons: 1 });
    expect(table.columnTotals[0]).toEqual({ households: 2, persons: 5 });
    expect(table.columnTotals[1]).toEqual({ households: 4, persons: 11 });
    expect(table.columnTotals[5]).toEqual({ households: 1, persons: 1 });
    expect(table.total).toEqual({ households: 7, persons: 17 });
  });

  it('counts a household with no income tier or no area tier apart, in no cell and no total', () => {
    const table = layTierTable(NOTICE, [
      group(null, 500, 1, 3),
      group(40, null, 2, 4),
      group(null, null, 1, 1),
      group(40, 600, 1, 2),
    ]);
    expect(table.outsideTiers).toEqual({ households: 4, persons: 8 });
    expect(table.total).toEqual({ households: 1, persons: 2 });
  });

  it('adds two groups of the same cell together', () => {
    const table = layTierTable(NOTICE, [group(60, 700, 1, 2), group(60, 700, 2, 6)]);
    expect(table.cells[3][3]).toEqual({ households: 3, persons: 8 });
  });

  it("follows the campaign's own tiers, in its order", () => {
    const table = layTierTable(
      { incomeCoefficients: [50, 100], areaTierBoundsCenti: [750, 1200] },
      [group(100, 1200, 1, 2), group(50, 'none', 1, 1)],
    );
    expect(table.areaTiers).toEqual(['none', 750, 1200]);
    expect(table.cells).toEqual([
      [
        { households: 1, persons: 1 },
        { households: 0, persons: 0 },
        { households: 0, persons: 0 },
      ],
      [
        { households: 0, persons: 0 },
        { households: 0, persons: 0 },
        { households: 1, persons: 2 },
      ],
    ]);
  });

  it.each([
    [35, 500],
    [30, 550],
  ])('refuses a tier the campaign does not have (income %p, area %p)', (income, area) => {
    expect(() => layTierTable(NOTICE, [group(income, area, 1, 1)])).toThrow(UnknownTierError);
  });
});

describe('tierTableBody', () => {
  it("speaks the contract's units: coefficients and m², 'none' first", () => {
    const body = tierTableBody(layTierTable(NOTICE, [group(30, 'none', 1, 2)]));
    expect(body.incomeTiers).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(body.areaTiers).toEqual(['none', 5, 6, 7, 8, 9, 10]);
    expect(body.cells[0][0]).toEqual({ households: 1, persons: 2 });
    expect(body.outsideTiers).toEqual({ households: 0, persons: 0 });
  });
});
