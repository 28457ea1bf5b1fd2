export type { IsoDate } from './civil-date';
export {
  addDays,
  compareDates,
  datesBetween,
  dayOfWeek,
  isIsoDate,
  parseIsoDate,
  yearOf,
} from './civil-date';
export {
  endOfShanghaiDay,
  formatShanghaiInstant,
  shanghaiDateOf,
  startOfShanghaiDay,
} from './shanghai-time';
export { CalendarDataMissingError, InvalidDateError, OfficialDataError } from './errors';
export type { OfficialCalendar, OfficialData } from './official-data';
export {
  buildOfficialCalendar,
  loadOfficialCalendar,
  loadSupplementedCalendar,
  supplementedOfficialData,
} from './official-data';
export type {
  CalendarOverride,
  CalendarOverrides,
  DayDescription,
  DayReason,
  WorkingCalendarOptions,
} from './working-calendar';
export { WorkingCalendar } from './working-calendar';
export type { NoticePeriod, NoticeRules, ReviewDeadline } from './periods';
export { DEFAULT_NOTICE_RULES, levelReceivedOn, noticePeriod, reviewDeadline } from './periods';
