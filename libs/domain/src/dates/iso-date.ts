import { addDays, isIsoDate as isCalendarDate, type IsoDate } from '@app/calendar';

// Civil-date arithmetic lives in the calendar library; the domain adds ages.
export { addDays, type IsoDate };

/** A real date written 'YYYY-MM-DD'; anything else (numbers, null, 2025-02-29) is not. */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && isCalendarDate(value);
}

function requireDate(value: IsoDate): void {
  if (!isIsoDate(value)) throw new RangeError(`not a date: ${String(value)}`);
}

/**
 * The date a person born on `birthDate` turns `years` old. Someone born on
 * Feb 29 has the anniversary on Feb 28 in a common year: the period ends on the
 * last day of the month that has no corresponding day (Civil Code art. 202).
 */
export function anniversary(birthDate: IsoDate, years: number): IsoDate {
  requireDate(birthDate);
  const year = String(Number(birthDate.slice(0, 4)) + years).padStart(4, '0');
  const sameDay = `${year}${birthDate.slice(4)}`;
  return isIsoDate(sameDay) ? sameDay : `${year}-02-28`;
}

/** Has the person reached `years` full years of age on `onDate` (the birthday itself counts)? */
export function hasReachedAge(birthDate: IsoDate, years: number, onDate: IsoDate): boolean {
  requireDate(onDate);
  return anniversary(birthDate, years) <= onDate;
}
