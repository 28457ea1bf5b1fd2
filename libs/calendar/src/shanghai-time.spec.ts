import { InvalidDateError } from './errors';
import {
  endOfShanghaiDay,
  formatShanghaiInstant,
  shanghaiDateOf,
  startOfShanghaiDay,
} from './shanghai-time';

// Instants are written in UTC (Z) so the inputs never depend on the process TZ.
describe('shanghaiDateOf near Shanghai midnight', () => {
  it.each([
    ['2025-09-30T15:59:59.999Z', '2025-09-30', 'the last millisecond of Sep 30 in Shanghai'],
    ['2025-09-30T16:00:00.000Z', '2025-10-01', 'Shanghai midnight starts Oct 1'],
    ['2025-09-30T16:30:00.000Z', '2025-10-01', '00:30 in Shanghai, still Sep 30 in UTC'],
    ['2025-10-01T15:59:59.000Z', '2025-10-01', '23:59:59 in Shanghai'],
    ['2025-12-31T15:59:59.999Z', '2025-12-31', 'just before the new year in Shanghai'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01', 'the new year in Shanghai, still 2025 in UTC'],
    ['2024-02-28T16:00:00.000Z', '2024-02-29', 'a leap day'],
    ['1969-12-31T16:00:00.000Z', '1970-01-01', 'the epoch day in Shanghai'],
    ['1969-12-31T15:59:59.999Z', '1969-12-31', 'before the epoch'],
  ])('%s is Shanghai date %s (%s)', (instant, expected) => {
    expect(shanghaiDateOf(new Date(instant))).toBe(expected);
  });

  it('refuses an invalid Date', () => {
    expect(() => shanghaiDateOf(new Date(Number.NaN))).toThrow(InvalidDateError);
  });
});

describe('startOfShanghaiDay and endOfShanghaiDay', () => {
  it.each([
    ['2025-10-01', '2025-09-30T16:00:00.000Z', '2025-10-01T16:00:00.000Z'],
    ['2025-10-10', '2025-10-09T16:00:00.000Z', '2025-10-10T16:00:00.000Z'],
    ['2025-12-31', '2025-12-30T16:00:00.000Z', '2025-12-31T16:00:00.000Z'],
    ['2024-02-29', '2024-02-28T16:00:00.000Z', '2024-02-29T16:00:00.000Z'],
  ])('%s starts at %s and ends (exclusive) at %s', (d, start, end) => {
    expect(startOfShanghaiDay(d).toISOString()).toBe(start);
    expect(endOfShanghaiDay(d).toISOString()).toBe(end);
  });

  it('round-trips: the start of a day lies on that day', () => {
    expect(shanghaiDateOf(startOfShanghaiDay('2026-01-01'))).toBe('2026-01-01');
  });
});

describe('formatShanghaiInstant', () => {
  it.each([
    ['2025-10-10T16:00:00.000Z', '2025-10-11T00:00:00+08:00'],
    ['2025-09-30T16:30:00.000Z', '2025-10-01T00:30:00+08:00'],
    ['2025-12-31T15:59:59.000Z', '2025-12-31T23:59:59+08:00'],
    ['2025-10-01T04:05:06.000Z', '2025-10-01T12:05:06+08:00'],
    ['2025-10-10T16:00:00.007Z', '2025-10-11T00:00:00.007+08:00'],
  ])('writes %s as %s', (instant, expected) => {
    expect(formatShanghaiInstant(new Date(instant))).toBe(expected);
  });

  it('writes a string that parses back to the same instant', () => {
    const instant = new Date('2026-03-15T09:41:27.250Z');
    expect(Date.parse(formatShanghaiInstant(instant))).toBe(instant.getTime());
  });

  it('refuses an invalid Date', () => {
    expect(() => formatShanghaiInstant(new Date('nope'))).toThrow(InvalidDateError);
  });
});
