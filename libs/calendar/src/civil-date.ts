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
 * arithmetic: whole days, so the process's TZ never matters. Computed, not
 * read off a Date (H. Hinnant's days_from_civil): every transition turns
 * dates back and forth dozens of times, and the Date round trip was several
 * per cent of a worker's CPU.
 */
export function toDayNumber(s: string): number {
  const match = ISO_DATE.exec(s);
  if (!match) throw new InvalidDateError(s);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidDateError(s);
  }
  return daysFromCivil(year, month, day);
}

export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isInteger(dayNumber)) {
    throw new RangeError(`Day number ${dayNumber} is outside years 0000-9999`);
  }
  // civil_from_days: the inverse of daysFromCivil.
  const z = dayNumber + DAYS_0000_03_01_TO_EPOCH;
  const era = Math.floor(z / DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (!(year >= 0 && year <= 9999)) {
    throw new RangeError(`Day number ${dayNumber} is outside years 0000-9999`);
  }
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}`;
}

/** Days from 0000-03-01 (the start of a 400-year era, years counted from March) to 1970-01-01. */
const DAYS_0000_03_01_TO_EPOCH = 719_468;
const DAYS_PER_ERA = 146_097;

/** days_from_civil: years counted from March, so the leap day ends a year. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - DAYS_0000_03_01_TO_EPOCH;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : String(n));

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
