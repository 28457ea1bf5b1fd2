import { addDays, IsoDate } from './civil-date';
import { endOfShanghaiDay, shanghaiDateOf } from './shanghai-time';
import { WorkingCalendar } from './working-calendar';

// Periods per domain.md "Time": a period whose last day is D ends at the
// exclusive instant 00:00 Asia/Shanghai of D+1 (api.md "Instants").

export interface ReviewDeadline {
  readonly lastDay: IsoDate;
  /** Exclusive: 00:00 Asia/Shanghai of lastDay + 1. */
  readonly dueAt: Date;
}

/**
 * A review of N working days counted from receipt: day 1 is the first working
 * day after `receivedOn`, and the deadline is the end of working day N.
 */
export function reviewDeadline(
  cal: WorkingCalendar,
  receivedOn: IsoDate,
  workdays: number,
): ReviewDeadline {
  const lastDay = cal.addWorkdays(receivedOn, workdays);
  return { lastDay, dueAt: endOfShanghaiDay(lastDay) };
}

export interface NoticeRules {
  /** Civil Code art. 201: the day the notice is posted is not counted. */
  readonly firstDayExcluded: boolean;
  /** Civil Code art. 203: a period ending on a day off ends on the next working day. */
  readonly extendToNextWorkday: boolean;
}

export const DEFAULT_NOTICE_RULES: NoticeRules = Object.freeze({
  firstDayExcluded: true,
  extendToNextWorkday: true,
});

export interface NoticePeriod {
  readonly lastDay: IsoDate;
  /** Exclusive: 00:00 Asia/Shanghai of lastDay + 1. */
  readonly endsAt: Date;
}

/**
 * A notice of `days` calendar days. With art. 203 off no working-day question
 * is asked, so the calendar (and its known years) is not consulted.
 */
export function noticePeriod(
  cal: WorkingCalendar,
  postedOn: IsoDate,
  days: number,
  rules: NoticeRules = DEFAULT_NOTICE_RULES,
): NoticePeriod {
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`A notice needs days >= 1, got ${days}`);
  }
  const nominalLastDay = addDays(postedOn, rules.firstDayExcluded ? days : days - 1);
  const lastDay = rules.extendToNextWorkday
    ? cal.nextWorkdayOnOrAfter(nominalLastDay)
    : nominalLastDay;
  return { lastDay, endsAt: endOfShanghaiDay(lastDay) };
}

/**
 * The date an application reached a level, from the instant it arrived. One
 * forwarded when a notice ends at 00:00 of D+1 reached the next level on D+1,
 * so that level's working day 1 is the first working day after D+1.
 */
export function levelReceivedOn(instant: Date): IsoDate {
  return shanghaiDateOf(instant);
}
