import {
  addDays,
  compareDates,
  datesBetween,
  dayOfWeek,
  fromDayNumber,
  isIsoDate,
  MS_PER_DAY,
  parseIsoDate,
  toDayNumber,
  yearOf,
} from './civil-date';
import { InvalidDateError } from './errors';

describe('parseIsoDate', () => {
  it.each(['2025-10-01', '2024-02-29', '2000-02-29', '2025-12-31', '0001-01-01', '9999-12-31'])(
    'accepts the existing date %s unchanged',
    (s) => {
      expect(parseIsoDate(s)).toBe(s);
      expect(isIsoDate(s)).toBe(true);
    },
  );

  it.each([
    ['2025-02-29', 'Feb 29 in a common year'],
    ['1900-02-29', 'Feb 29 in a century year not divisible by 400'],
    ['2025-04-31', 'Apr 31'],
    ['2025-13-01', 'month 13'],
    ['2025-00-10', 'month 0'],
    ['2025-10-00', 'day 0'],
    ['2025-10-32', 'day 32'],
    ['2025-1-01', 'a one-digit month'],
    ['25-10-01', 'a two-digit year'],
    ['20251001', 'no dashes'],
    ['2025/10/01', 'slashes'],
    ['2025-10-01T00:00:00', 'a time part'],
    [' 2025-10-01', 'leading space'],
    ['2025-10-01\n', 'a trailing newline'],
    ['', 'the empty string'],
    ['２０２５-10-01', 'full-width digits'],
  ])('refuses %j (%s) with InvalidDateError', (s) => {
    expect(() => parseIsoDate(s)).toThrow(InvalidDateError);
    expect(isIsoDate(s)).toBe(false);
  });

  it('gives the INVALID_DATE code and the input in the error', () => {
    expect(() => parseIsoDate('2025-02-29')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE', input: '2025-02-29' }),
    );
  });
});

describe('addDays', () => {
  it.each([
    ['2025-09-30', 1, '2025-10-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-10-01', 0, '2025-10-01'],
    ['2025-09-28', 5, '2025-10-03'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
  ])('%s + %i days is %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
  });

  it('refuses a fractional number of days', () => {
    expect(() => addDays('2025-10-01', 1.5)).toThrow(RangeError);
  });

  it('refuses an invalid date', () => {
    expect(() => addDays('2025-02-29', 1)).toThrow(InvalidDateError);
  });
});

describe('dayOfWeek', () => {
  it.each([
    ['1970-01-01', 4],
    ['2025-09-28', 0],
    ['2025-09-29', 1],
    ['2025-10-01', 3],
    ['2025-10-11', 6],
    ['2026-09-25', 5],
    ['2026-12-28', 1],
    ['1969-12-31', 3],
  ])('%s is day %i (0 = Sunday)', (d, expected) => {
    expect(dayOfWeek(d)).toBe(expected);
  });
});

describe('compareDates', () => {
  it.each([
    ['2025-10-01', '2025-10-02', -1],
    ['2025-10-02', '2025-10-01', 1],
    ['2025-10-01', '2025-10-01', 0],
    ['2025-12-31', '2026-01-01', -1],
  ] as const)('compares %s with %s as %i', (a, b, expected) => {
    expect(compareDates(a, b)).toBe(expected);
  });
});

describe('datesBetween', () => {
  it('includes both ends, across a month end', () => {
    expect(datesBetween('2025-09-29', '2025-10-02')).toEqual([
      '2025-09-29',
      '2025-09-30',
      '2025-10-01',
      '2025-10-02',
    ]);
  });

  it('is a single day when from equals to', () => {
    expect(datesBetween('2025-10-01', '2025-10-01')).toEqual(['2025-10-01']);
  });

  it('is empty when from is after to', () => {
    expect(datesBetween('2025-10-02', '2025-10-01')).toEqual([]);
  });
});

describe('yearOf', () => {
  it('reads the year of a valid date', () => {
    expect(yearOf('2026-12-31')).toBe(2026);
  });

  it('refuses an invalid date rather than reading its first four characters', () => {
    expect(() => yearOf('2027-02-30')).toThrow(InvalidDateError);
  });
});

describe('day numbers', () => {
  const first = toDayNumber('0000-01-01');
  const last = toDayNumber('9999-12-31');

  it('agree with Date over the whole range of years 0000-9999, both ways', () => {
    // Every 7th day (each weekday, month and leap rule is met many times) and both ends.
    const days = [first, last];
    for (let day = first; day <= last; day += 7) days.push(day);
    // Checked in one assertion: a million `expect` calls took half a minute.
    const disagreeing = days.filter((day) => {
      const viaDate = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
      return fromDayNumber(day) !== viaDate || toDayNumber(viaDate) !== day;
    });
    expect(disagreeing).toEqual([]);
  });

  it('are days since 1970-01-01', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(toDayNumber('1969-12-31')).toBe(-1);
    expect(toDayNumber('2000-03-01')).toBe(11_017);
  });

  it('refuse a day outside years 0000-9999 or not whole', () => {
    expect(() => fromDayNumber(first - 1)).toThrow(RangeError);
    expect(() => fromDayNumber(last + 1)).toThrow(RangeError);
    expect(() => fromDayNumber(0.5)).toThrow(RangeError);
    expect(() => fromDayNumber(Number.NaN)).toThrow(RangeError);
  });
});
