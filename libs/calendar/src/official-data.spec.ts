import { OfficialDataError } from './errors';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildOfficialCalendar,
  loadOfficialCalendar,
  loadSupplementedCalendar,
  OfficialData,
  supplementedOfficialData,
} from './official-data';

describe('the packaged arrangement (chinese-days@1.5.7)', () => {
  const official = loadOfficialCalendar();

  it('covers exactly 2004 to 2026 (update this when the pinned package is upgraded)', () => {
    const years = [...official.years].sort((a, b) => a - b);
    expect(years).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  it.each([
    ['2025-10-01', '国庆节'],
    ['2025-10-06', '中秋'], // inside the merged 2025 break, labelled by its own festival
    ['2025-10-08', '国庆节'],
    ['2026-09-25', '中秋'],
    ['2026-10-07', '国庆节'],
    ['2026-02-15', '春节'],
  ])('lists %s as a holiday named %s', (date, name) => {
    expect(official.holidays.get(date)).toBe(name);
  });

  it.each([
    ['2025-09-28', '国庆节'],
    ['2025-10-11', '国庆节'],
    ['2026-09-20', '国庆节'],
    ['2026-10-10', '国庆节'],
    ['2026-01-04', '元旦'],
  ])('lists %s as an adjusted workday named %s', (date, name) => {
    expect(official.adjustedWorkdays.get(date)).toBe(name);
  });

  it('is parsed once and shared', () => {
    expect(loadOfficialCalendar()).toBe(official);
  });

  it('is frozen at the top level', () => {
    expect(Object.isFrozen(official)).toBe(true);
  });
});

describe('buildOfficialCalendar from an explicit data object', () => {
  const data: OfficialData = {
    holidays: { '2030-10-01': 'National Day,国庆节,3', '2030-10-02': 'National Day,国庆节,3' },
    workdays: { '2030-09-29': 'National Day,国庆节,3' },
    inLieuDays: { '2030-10-02': 'National Day,国庆节,3' },
  };

  it('reads holidays and adjusted workdays with their Chinese names', () => {
    const official = buildOfficialCalendar(data);
    expect([...official.holidays]).toEqual([
      ['2030-10-01', '国庆节'],
      ['2030-10-02', '国庆节'],
    ]);
    expect([...official.adjustedWorkdays]).toEqual([['2030-09-29', '国庆节']]);
  });

  it('knows every year that appears, in either list', () => {
    const official = buildOfficialCalendar({
      holidays: { '2031-01-01': "New Year's Day,元旦,1" },
      workdays: { '2030-10-12': 'National Day,国庆节,3' },
    });
    expect([...official.years].sort()).toEqual([2030, 2031]);
  });

  it('does not know a year from a December day of the next year’s New Year arrangement alone', () => {
    const official = buildOfficialCalendar({
      holidays: { '2031-01-01': "New Year's Day,元旦,1" },
      workdays: { '2030-12-29': "New Year's Day,元旦,1" },
    });
    expect([...official.years]).toEqual([2031]);
    expect(official.adjustedWorkdays.get('2030-12-29')).toBe('元旦');
  });

  it('knows no year when the data is empty', () => {
    expect(buildOfficialCalendar({ holidays: {}, workdays: {} }).years.size).toBe(0);
  });

  it.each<[string, OfficialData]>([
    ['a date that does not exist', { holidays: { '2030-02-29': 'X,某节,1' }, workdays: {} }],
    ['a malformed date', { holidays: { '2030-1-01': 'X,某节,1' }, workdays: {} }],
    ['a value without the Chinese name', { holidays: { '2030-01-01': 'New Year' }, workdays: {} }],
    ['a value with an empty Chinese name', { holidays: {}, workdays: { '2030-01-05': 'X,,1' } }],
    [
      'a date that is both a holiday and a workday',
      { holidays: { '2030-01-05': 'X,某节,1' }, workdays: { '2030-01-05': 'X,某节,1' } },
    ],
    [
      'an in-lieu day that is not a holiday',
      { holidays: {}, workdays: {}, inLieuDays: { '2030-01-07': 'X,某节,1' } },
    ],
  ])('refuses %s', (_, bad) => {
    expect(() => buildOfficialCalendar(bad)).toThrow(OfficialDataError);
  });
});

describe('a supplement (OFFICIAL_CALENDAR_FILE)', () => {
  const base: OfficialData = {
    holidays: { '2026-01-01': "New Year's Day,元旦,1", '2026-10-01': 'National Day,国庆节,3' },
    workdays: { '2026-01-04': "New Year's Day,元旦,1" },
  };

  it('adds a year the package lacks and keeps the package’s other years', () => {
    const merged = supplementedOfficialData(base, {
      holidays: { '2027-01-01': "New Year's Day,元旦,1" },
      workdays: {},
    });
    const calendar = buildOfficialCalendar(merged);
    expect([...calendar.years].sort()).toEqual([2026, 2027]);
    expect(calendar.holidays.get('2026-10-01')).toBe('国庆节');
    expect(calendar.holidays.get('2027-01-01')).toBe('元旦');
  });

  it('replaces a year it holds whole: none of the package’s days of that year remain', () => {
    const merged = supplementedOfficialData(base, {
      holidays: { '2026-10-02': 'National Day,国庆节,3' },
      workdays: {},
    });
    expect(Object.keys(merged.holidays)).toEqual(['2026-10-02']);
    expect(merged.workdays).toEqual({});
  });

  it('takes a December day of the next year’s New Year arrangement as that one day, not the year', () => {
    // The 2027 notice, say, with Sun 2026-12-27 worked and Thu 2026-12-31 off for 元旦.
    const merged = supplementedOfficialData(
      { ...base, holidays: { ...base.holidays, '2026-12-31': 'Some Day,某日,1' } },
      {
        holidays: {
          '2026-12-31': "New Year's Day,元旦,1",
          '2027-01-01': "New Year's Day,元旦,1",
          '2027-02-06': 'Spring Festival,春节,4',
        },
        workdays: { '2026-12-27': "New Year's Day,元旦,1" },
      },
    );
    const calendar = buildOfficialCalendar(merged);
    expect([...calendar.years].sort()).toEqual([2026, 2027]);
    // 2026's own arrangement stays: National Day, and the package's January swap.
    expect(calendar.holidays.get('2026-10-01')).toBe('国庆节');
    expect(calendar.adjustedWorkdays.get('2026-01-04')).toBe('元旦');
    expect(calendar.holidays.get('2026-12-31')).toBe('元旦');
    expect(calendar.adjustedWorkdays.get('2026-12-27')).toBe('元旦');
    expect(calendar.holidays.get('2027-02-06')).toBe('春节');
  });

  it('lets a spilled-over day change sides: a package holiday the supplement makes a working day', () => {
    const merged = supplementedOfficialData(
      { ...base, holidays: { ...base.holidays, '2026-12-27': 'Some Day,某日,1' } },
      {
        holidays: { '2027-01-01': "New Year's Day,元旦,1" },
        workdays: { '2026-12-27': "New Year's Day,元旦,1" },
      },
    );
    const calendar = buildOfficialCalendar(merged);
    expect(calendar.holidays.has('2026-12-27')).toBe(false);
    expect(calendar.adjustedWorkdays.get('2026-12-27')).toBe('元旦');
  });

  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'calendar-')), 'supplement.json');
    writeFileSync(path, content);
    return path;
  };

  it('is read from a JSON file in the package’s shape', () => {
    const calendar = loadSupplementedCalendar(
      file(JSON.stringify({ holidays: { '2031-01-01': "New Year's Day,元旦,1" }, workdays: {} })),
    );
    expect(calendar.years.has(2031)).toBe(true);
    expect(calendar.years.has(2026)).toBe(true);
  });

  it.each([
    ['is missing', null],
    ['is not JSON', '{"holidays":'],
    ['has no workdays', JSON.stringify({ holidays: {} })],
    [
      'has a value that is not text',
      JSON.stringify({ holidays: { '2031-01-01': 1 }, workdays: {} }),
    ],
    ['has a bad date', JSON.stringify({ holidays: { '2031-02-30': 'x,元旦,1' }, workdays: {} })],
  ])('stops the start when the file %s', (_case, content) => {
    const path = content === null ? '/nonexistent/calendar.json' : file(content);
    expect(() => loadSupplementedCalendar(path)).toThrow(OfficialDataError);
  });
});
