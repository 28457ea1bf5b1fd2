import { renderTierCsv } from './csv';
import type { TierReport } from './tier-report';
import { layTierTable } from './tier-table';

const report = (overrides: Partial<TierReport> = {}): TierReport => ({
  campaign: { name: '2025年摸底调查', referenceIncomeFen: 2_000_000, areaLimitCenti: 1000 },
  region: { name: '进贤县', level: 'county' },
  stage: 'approved',
  exportedAt: new Date('2025-10-28T02:30:00Z'),
  table: layTierTable(
    {
      incomeCoefficients: [30, 40, 50, 60, 70, 80, 90, 100],
      areaTierBoundsCenti: [500, 600, 700, 800, 900, 1000],
    },
    [
      { incomeTier: 30, areaTier: 'none', households: 2, persons: 5 },
      { incomeTier: 100, areaTier: 1000, households: 1, persons: 3 },
      { incomeTier: null, areaTier: 500, households: 1, persons: 4 },
    ],
  ),
  ...overrides,
});

const lines = (buffer: Buffer): string[] => buffer.toString('utf8').slice(1).split('\r\n');
const row = (buffer: Buffer, label: string): string[] =>
  lines(buffer)
    .find((l) => l.startsWith(`${label},`))!
    .split(',');

describe('renderTierCsv', () => {
  it('starts with the UTF-8 byte-order mark and ends lines with CRLF', () => {
    const csv = renderTierCsv(report());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).not.toMatch(/[^\r]\n/);
    expect(csv.toString('utf8').endsWith('\r\n')).toBe(true);
  });

  it('heads the file with the campaign, region, stage, parameters and the Shanghai export moment', () => {
    const text = lines(renderTierCsv(report()));
    expect(text.slice(0, 7)).toEqual([
      '2025年摸底调查',
      '城镇低收入住房困难家庭收入与住房分档统计表',
      '统计区域,进贤县（县）',
      '统计口径,审核通过（已入册）',
      '城镇居民人均可支配收入（元）,20000',
      '人均住房建筑面积标准（平方米）,10',
      '导出时间,2025-10-28T10:30:00+08:00',
    ]);
  });

  it('gives each area tier a 户数 and a 人数 column under its label, totals last', () => {
    const csv = renderTierCsv(report());
    const header = lines(csv);
    const top = header.findIndex((l) => l.startsWith('人均可支配收入系数'));
    expect(header[top].split(',').slice(1)).toEqual([
      '无房户',
      '',
      '5平方米以下',
      '',
      '6平方米以下',
      '',
      '7平方米以下',
      '',
      '8平方米以下',
      '',
      '9平方米以下',
      '',
      '10平方米以下',
      '',
      '合计',
      '',
    ]);
    expect(header[top + 1].split(',').slice(1, 5)).toEqual(['户数', '人数', '户数', '人数']);
    expect(row(csv, '0.3以下')).toEqual(['0.3以下', '2', '5', ...Array(12).fill('0'), '2', '5']);
    expect(row(csv, '1.0以下').slice(13)).toEqual(['1', '3', '1', '3']);
    expect(row(csv, '合计').slice(1, 3)).toEqual(['2', '5']);
    expect(row(csv, '合计').slice(-2)).toEqual(['3', '8']);
  });

  it('reports the households outside every tier below the table, and the sum of both', () => {
    const csv = renderTierCsv(report());
    expect(row(csv, '未进入分档（收入或住房面积超出标准）').slice(-2)).toEqual(['1', '4']);
    expect(row(csv, '总计（含未进入分档）').slice(-2)).toEqual(['4', '12']);
  });

  it('quotes what needs quoting and keeps a name that looks like a formula as text', () => {
    const csv = renderTierCsv(
      report({
        campaign: { name: '=HYPERLINK("x"),1', referenceIncomeFen: 1, areaLimitCenti: 1000 },
      }),
    );
    expect(lines(csv)[0]).toBe(`"'=HYPERLINK(""x""),1"`);
  });
});
