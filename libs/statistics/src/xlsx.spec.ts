import { Workbook } from 'exceljs';
import type { TierReport } from './tier-report';
import { layTierTable } from './tier-table';
import { buildTierWorkbook, sheetName } from './xlsx';

const AXES = {
  incomeCoefficients: [30, 40, 50, 60, 70, 80, 90, 100],
  areaTierBoundsCenti: [500, 600, 700, 800, 900, 1000],
};

const report = (name: string, households: number): TierReport => ({
  campaign: { name: '2025年摸底调查', referenceIncomeFen: 2_000_000, areaLimitCenti: 1000 },
  region: { name, level: 'town' },
  stage: 'submitted',
  exportedAt: new Date('2025-10-28T02:30:00Z'),
  table: layTierTable(AXES, [
    { incomeTier: 40, areaTier: 600, households, persons: households * 3 },
  ]),
});

describe('sheetName', () => {
  it('keeps a plain name', () => {
    expect(sheetName('进贤县', new Set())).toBe('进贤县');
  });
  it('replaces what Excel refuses and cuts at 31 characters', () => {
    expect(sheetName('a/b\\c?d*e[f]g:h', new Set())).toBe('a_b_c_d_e_f_g_h');
    expect(sheetName('x'.repeat(40), new Set())).toHaveLength(31);
  });
  it('makes a second region of the same name unique', () => {
    expect(sheetName('民和镇', new Set(['民和镇']))).toBe('民和镇(2)');
    expect(sheetName('民和镇', new Set(['民和镇', '民和镇(2)']))).toBe('民和镇(3)');
  });
});

describe('buildTierWorkbook', () => {
  it('writes one sheet per report with the table where the CSV has it', async () => {
    const written = await buildTierWorkbook([
      report('镇0', 2),
      report('镇0', 5),
    ]).xlsx.writeBuffer();
    const workbook = new Workbook();
    await workbook.xlsx.load(written);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['镇0', '镇0(2)']);
    const sheet = workbook.worksheets[1];
    expect(sheet.getCell('A1').value).toBe('2025年摸底调查');
    expect(sheet.getCell('B7').value).toBe('2025-10-28T10:30:00+08:00');
    const header = 9;
    expect(sheet.getCell(header, 1).value).toBe('人均可支配收入系数＼人均住房建筑面积');
    expect(sheet.getCell(header, 4).value).toBe('5平方米以下');
    expect(sheet.getCell(header + 1, 4).value).toBe('户数');
    const row04 = header + 3;
    expect(sheet.getCell(row04, 1).value).toBe('0.4以下');
    expect(sheet.getCell(row04, 6).value).toBe(5);
    expect(sheet.getCell(row04, 7).value).toBe(15);
  });
});
