import { fromDayNumber, IsoDate, MS_PER_DAY, toDayNumber, addDays } from './civil-date';
import { InvalidDateError } from './errors';

/**
 * Asia/Shanghai is a fixed UTC+08:00: China has had no daylight saving since
 * 1991, so a constant offset is exact for every date this service handles and
 * needs no tz database or local-time Date API.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const SHANGHAI_OFFSET = '+08:00';

function assertValidInstant(instant: Date): number {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new InvalidDateError(String(instant));
  return time;
}

/** The date on a Shanghai wall calendar at this instant. */
export function shanghaiDateOf(instant: Date): IsoDate {
  const shifted = assertValidInstant(instant) + SHANGHAI_OFFSET_MS;
  return fromDayNumber(Math.floor(shifted / MS_PER_DAY));
}

/** 00:00 Asia/Shanghai at the start of `d`. */
export function startOfShanghaiDay(d: IsoDate): Date {
  return new Date(toDayNumber(d) * MS_PER_DAY - SHANGHAI_OFFSET_MS);
}

/** The exclusive end of `d`: 00:00 Asia/Shanghai of the next day (api.md "Instants"). */
export function endOfShanghaiDay(d: IsoDate): Date {
  return startOfShanghaiDay(addDays(d, 1));
}

/**
 * ISO 8601 with the +08:00 offset, e.g. `2025-10-11T00:00:00+08:00`.
 * Milliseconds appear only when non-zero, so whole-second instants (all the
 * period ends) read the way api.md writes them.
 */
export function formatShanghaiInstant(instant: Date): string {
  const shifted = assertValidInstant(instant) + SHANGHAI_OFFSET_MS;
  const dayNumber = Math.floor(shifted / MS_PER_DAY);
  const msOfDay = shifted - dayNumber * MS_PER_DAY;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const hours = Math.floor(msOfDay / 3_600_000);
  const minutes = Math.floor(msOfDay / 60_000) % 60;
  const seconds = Math.floor(msOfDay / 1000) % 60;
  const millis = msOfDay % 1000;
  const fraction = millis === 0 ? '' : `.${pad(millis, 3)}`;
  return `${fromDayNumber(dayNumber)}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction}${SHANGHAI_OFFSET}`;
}
