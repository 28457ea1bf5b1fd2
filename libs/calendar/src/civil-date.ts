import { InvalidDateError } from './errors';

/**
 * A civil (calendar) date, 'YYYY-MM-DD', with no time and no zone. A plain
 * string so it round-trips through JSON and Postgres `date` unchanged; every
 * function below validates it, so a malformed one fails loudly.
 */
export type IsoDate = string;

export const MS_PER_DAY = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** 1970-01-01, day number 0, was a Thursday. */
const EPOCH_DAY_OF_WEEK = 4;

/**
 * Days since 1970-01-01 (proleptic Gregorian). Internal currency of all date
 * arithmetic: whole days, UTC-based, so the process's TZ never matters.
 */
export function toDayNumber(s: string): number {
  const match = ISO_DATE.exec(s);
  if (!match) throw new InvalidDateError(s);
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const dayNumber = date.getTime() / MS_PER_DAY;
  // Date rolls 2025-02-29 over to 2025-03-01; the round trip catches that.
  if (fromDayNumber(dayNumber) !== s) throw new InvalidDateError(s);
  return dayNumber;
}

export function fromDayNumber(dayNumber: number): IsoDate {
  const date = new Date(dayNumber * MS_PER_DAY);
  const year = date.getUTCFullYear();
  if (!Number.isInteger(dayNumber) || !(year >= 0 && year <= 9999)) {
    throw new RangeError(`Day number ${dayNumber} is outside years 0000-9999`);
  }
  return [
    String(year).padStart(4, '0'),
    String(date.getUTCMonth() + 1).padStart(2, '0'),
    String(date.getUTCDate()).padStart(2, '0'),
  ].join('-');
}

/** Returns `s` as an IsoDate, or throws InvalidDateError (bad format or a day that does not exist). */
export function parseIsoDate(s: string): IsoDate {
  toDayNumber(s);
  return s;
}

export function isIsoDate(s: string): boolean {
  try {
    toDayNumber(s);
    return true;
  } catch {
    return false;
  }
}

export function addDays(d: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`addDays needs a whole number, got ${days}`);
  return fromDayNumber(toDayNumber(d) + days);
}

/** 0 = Sunday ... 6 = Saturday, like Date#getUTCDay. */
export function dayOfWeek(d: IsoDate): number {
  return dayOfWeekOf(toDayNumber(d));
}

/** dayOfWeek of a day number (see toDayNumber). */
export function dayOfWeekOf(dayNumber: number): number {
  return (((dayNumber + EPOCH_DAY_OF_WEEK) % 7) + 7) % 7;
}

export function compareDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const diff = toDayNumber(a) - toDayNumber(b);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** Every date from `from` to `to`, both included; empty when `from` is after `to`. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const last = toDayNumber(to);
  const dates: IsoDate[] = [];
  for (let day = toDayNumber(from); day <= last; day++) dates.push(fromDayNumber(day));
  return dates;
}

export function yearOf(d: IsoDate): number {
  toDayNumber(d);
  return Number(d.slice(0, 4));
}
