import { CalendarDataMissingError, InvalidDateError } from './errors';
import { buildOfficialCalendar } from './official-data';
import { CalendarOverride, WorkingCalendar } from './working-calendar';

const cal = new WorkingCalendar();

describe('golden days (State Council arrangement, National Day 2025 and 2026)', () => {
  it.each([
    ['2025-09-28', true, 'adjusted-workday:国庆节', 'Sunday worked before National Day 2025'],
    ['2025-10-11', true, 'adjusted-workday:国庆节', 'Saturday worked after National Day 2025'],
    ['2026-09-20', true, 'adjusted-workday:国庆节', 'Sunday worked before National Day 2026'],
    ['2026-10-10', true, 'adjusted-workday:国庆节', 'Saturday worked after National Day 2026'],
    ['2025-10-08', false, 'holiday:国庆节', 'the Wednesday ending the 8-day break of 2025'],
    ['2026-09-25', false, 'holiday:中秋', 'Mid-Autumn 2026, a Friday'],
  ])('%s: workday %s, %s (%s)', (date, workday, reason) => {
    expect(cal.isWorkday(date)).toBe(workday);
    expect(cal.describe(date)).toEqual({ date, workday, reason });
  });
});

describe('describe gives a stable reason', () => {
  it.each([
    ['2025-10-09', true, 'weekday'],
    ['2025-10-12', false, 'weekend'],
    ['2025-10-04', false, 'holiday:国庆节'], // a weekend day inside the break is listed as holiday
    ['2025-10-06', false, 'holiday:中秋'],
    ['2025-01-01', false, 'holiday:元旦'],
    ['2026-01-04', true, 'adjusted-workday:元旦'],
    ['2026-05-09', true, 'adjusted-workday:劳动节'],
    ['2026-10-11', false, 'weekend'],
  ])('%s: workday %s, %s', (date, workday, reason) => {
    expect(cal.describe(date)).toEqual({ date, workday, reason });
  });

  it('describes a range day by day', () => {
    expect(cal.describeRange('2025-10-08', '2025-10-12').map((d) => d.reason)).toEqual([
      'holiday:国庆节',
      'weekday',
      'weekday',
      'adjusted-workday:国庆节',
      'weekend',
    ]);
  });
});

describe('a year without official data is an error, never a weekends-only guess', () => {
  it.each(['2027-01-04', '2027-06-15', '2003-12-31'])('%s throws CalendarDataMissingError', (d) => {
    expect(() => cal.isWorkday(d)).toThrow(CalendarDataMissingError);
  });

  it('names the year and carries a stable code', () => {
    expect(() => cal.describe('2027-01-04')).toThrow(
      expect.objectContaining({ code: 'CALENDAR_DATA_MISSING', year: 2027 }),
    );
    expect(() => cal.describe('2027-01-04')).toThrow(/2027/);
  });

  it('throws when addWorkdays walks from 2026-12-28 by 10 into 2027', () => {
    expect(() => cal.addWorkdays('2026-12-28', 10)).toThrow(CalendarDataMissingError);
  });

  it('still answers when addWorkdays stops on the last known day (2026-12-28 + 3 = Thu 12-31)', () => {
    expect(cal.addWorkdays('2026-12-28', 3)).toBe('2026-12-31');
  });

  it('throws as soon as one more working day is needed (2026-12-28 + 4)', () => {
    expect(() => cal.addWorkdays('2026-12-28', 4)).toThrow(CalendarDataMissingError);
  });

  it('throws when nextWorkdayOnOrAfter has to look into 2027', () => {
    const holidayEve = new WorkingCalendar({
      overrides: new Map([['2026-12-31', { workday: false, note: '本地休息' }]]),
    });
    expect(() => holidayEve.nextWorkdayOnOrAfter('2026-12-31')).toThrow(CalendarDataMissingError);
  });

  it('does not become known through an override', () => {
    const withOverride = new WorkingCalendar({
      overrides: new Map([['2027-01-04', { workday: true, note: '提前录入' }]]),
    });
    expect(withOverride.knowsYear(2027)).toBe(false);
    expect(() => withOverride.describe('2027-01-04')).toThrow(CalendarDataMissingError);
  });

  it('lists the known years in order', () => {
    expect(cal.knownYears()[0]).toBe(2004);
    expect(cal.knownYears().at(-1)).toBe(2026);
    expect(cal.knowsYear(2025)).toBe(true);
    expect(cal.knowsYear(2027)).toBe(false);
  });
});

describe('overrides win over the official arrangement', () => {
  const overrides = new Map<string, CalendarOverride>([
    ['2025-10-10', { workday: false, note: '县防汛休息日' }],
    ['2025-10-08', { workday: true, note: '补录加班' }],
    ['2025-10-18', { workday: true, note: '集中办理日' }],
  ]);
  const local = new WorkingCalendar({ overrides });

  it.each([
    ['2025-10-10', false, 'override:县防汛休息日', 'a local day off on a weekday'],
    ['2025-10-08', true, 'override:补录加班', 'a local workday on a statutory holiday'],
    ['2025-10-18', true, 'override:集中办理日', 'a local workday on a Saturday'],
    ['2025-10-09', true, 'weekday', 'an untouched day'],
  ])('%s: workday %s, %s (%s)', (date, workday, reason) => {
    expect(local.describe(date)).toEqual({ date, workday, reason });
  });

  it('is not affected by later changes to the caller’s map', () => {
    const mutable = new Map<string, CalendarOverride>();
    const snapshot = new WorkingCalendar({ overrides: mutable });
    mutable.set('2025-10-09', { workday: false, note: 'late' });
    expect(snapshot.isWorkday('2025-10-09')).toBe(true);
  });

  it('refuses an override keyed by an invalid date', () => {
    const bad = new Map([['2025-02-29', { workday: false, note: 'x' }]]);
    expect(() => new WorkingCalendar({ overrides: bad })).toThrow(InvalidDateError);
  });
});

describe('addWorkdays counts working days strictly after the start', () => {
  it.each([
    ['2025-09-26', 1, '2025-09-28', 'Fri -> the worked Sunday'],
    ['2025-09-28', 1, '2025-09-29', 'from a working day, the next one'],
    ['2025-09-30', 1, '2025-10-09', 'over the whole 2025 break'],
    ['2025-10-10', 1, '2025-10-11', 'onto the worked Saturday'],
    ['2025-10-11', 1, '2025-10-13', 'over a plain Sunday'],
    ['2026-09-24', 1, '2026-09-28', 'over Mid-Autumn 2026'],
    ['2026-09-30', 1, '2026-10-08', 'over the 2026 break'],
    ['2025-12-31', 1, '2026-01-04', 'across the year end: Jan 1-3 off, Sunday Jan 4 worked'],
  ])('%s + %i working day(s) = %s (%s)', (from, n, expected) => {
    expect(cal.addWorkdays(from, n)).toBe(expected);
  });

  it.each([0, -1, 1.5])('refuses n = %p', (n) => {
    expect(() => cal.addWorkdays('2025-10-09', n)).toThrow(RangeError);
  });

  it('refuses an invalid start date', () => {
    expect(() => cal.addWorkdays('2025-02-29', 1)).toThrow(InvalidDateError);
  });
});

describe('nextWorkdayOnOrAfter', () => {
  it.each([
    ['2025-10-09', '2025-10-09', 'a working day is its own answer'],
    ['2025-10-01', '2025-10-09', 'first day of the 2025 break'],
    ['2025-09-27', '2025-09-28', 'Saturday before the worked Sunday'],
    ['2025-10-12', '2025-10-13', 'plain Sunday'],
    ['2026-09-25', '2026-09-28', 'Mid-Autumn 2026'],
    ['2026-10-01', '2026-10-08', 'first day of the 2026 break'],
    ['2026-10-10', '2026-10-10', 'the worked Saturday'],
  ])('%s -> %s (%s)', (d, expected) => {
    expect(cal.nextWorkdayOnOrAfter(d)).toBe(expected);
  });

  it('refuses an invalid date', () => {
    expect(() => cal.nextWorkdayOnOrAfter('2025-02-29')).toThrow(InvalidDateError);
  });
});

describe('a calendar built from explicit official data', () => {
  const tiny = new WorkingCalendar({
    official: buildOfficialCalendar({
      holidays: { '2030-10-01': 'National Day,国庆节,3' },
      workdays: { '2030-09-29': 'National Day,国庆节,3' },
    }),
  });

  it('uses only that data', () => {
    expect(tiny.knownYears()).toEqual([2030]);
    expect(tiny.describe('2030-10-01').reason).toBe('holiday:国庆节');
    expect(tiny.describe('2030-09-29').reason).toBe('adjusted-workday:国庆节');
    expect(() => tiny.describe('2025-10-01')).toThrow(CalendarDataMissingError);
  });
});
