import { addDays, anniversary, hasReachedAge, isIsoDate } from '.';

describe('ISO dates', () => {
  it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2025-12-31', '2025-04-30'])(
    '%s is a date',
    (d) => {
      expect(isIsoDate(d)).toBe(true);
    },
  );

  it.each([
    '2023-02-29',
    '1900-02-29',
    '1999-02-30',
    '2025-04-31',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-1-01',
    '20250101',
    '2025-01-01T00:00:00',
    '',
    42,
    null,
  ])('%p is not', (d) => {
    expect(isIsoDate(d)).toBe(false);
  });

  it.each([
    ['2025-08-31', 1, '2025-09-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-02-28', 1, '2024-02-29'],
  ])('%s plus %p day(s) is %s', (d, n, r) => {
    expect(addDays(d, n)).toBe(r);
  });
});

describe('age', () => {
  it.each([
    ['2000-08-31', 25, '2025-08-31', true], // on the 25th birthday
    ['2000-09-01', 25, '2025-08-31', false], // the day before the 25th birthday
    ['2000-08-30', 25, '2025-08-31', true],
    ['2002-08-31', 23, '2025-08-31', true],
    ['2002-09-01', 23, '2025-08-31', false],
  ])('born %s: reached %p on %s is %p', (birth, years, on, reached) => {
    expect(hasReachedAge(birth, years, on)).toBe(reached);
  });

  it('someone born on Feb 29 reaches an age on Feb 28 of a common year', () => {
    expect(anniversary('2000-02-29', 25)).toBe('2025-02-28');
    expect(hasReachedAge('2000-02-29', 25, '2025-02-27')).toBe(false);
    expect(hasReachedAge('2000-02-29', 25, '2025-02-28')).toBe(true);
    expect(anniversary('2000-02-29', 24)).toBe('2024-02-29');
  });

  it('refuses a non-date', () => {
    expect(() => hasReachedAge('2000-02-30', 25, '2025-08-31')).toThrow(RangeError);
    expect(() => hasReachedAge('2000-02-01', 25, '2025-02-30')).toThrow(RangeError);
  });
});
