import {
  datesBetween,
  dayOfWeekOf,
  fromDayNumber,
  IsoDate,
  parseIsoDate,
  toDayNumber,
} from './civil-date';
import { CalendarDataMissingError } from './errors';
import { loadOfficialCalendar, OfficialCalendar } from './official-data';

/** An administrator's local decision for one date, e.g. a county day off. */
export interface CalendarOverride {
  readonly workday: boolean;
  readonly note: string;
}

export type CalendarOverrides = ReadonlyMap<IsoDate, CalendarOverride>;

/** Stable strings: clients of GET /api/calendar/workdays may match on the prefix. */
export type DayReason =
  'weekday' | 'weekend' | `holiday:${string}` | `adjusted-workday:${string}` | `override:${string}`;

export interface DayDescription {
  readonly date: IsoDate;
  readonly workday: boolean;
  readonly reason: DayReason;
}

export interface WorkingCalendarOptions {
  /** Defaults to the arrangement in the pinned chinese-days package. */
  readonly official?: OfficialCalendar;
  readonly overrides?: CalendarOverrides;
}

const SUNDAY = 0;
const SATURDAY = 6;

/**
 * Working days per the State Council arrangement plus local overrides.
 * Immutable: build a new one when the overrides change.
 */
export class WorkingCalendar {
  private readonly official: OfficialCalendar;
  private readonly overrides: CalendarOverrides;

  constructor(options: WorkingCalendarOptions = {}) {
    this.official = options.official ?? loadOfficialCalendar();
    this.overrides = copyOverrides(options.overrides);
  }

  knowsYear(year: number): boolean {
    return this.official.years.has(year);
  }

  knownYears(): number[] {
    return [...this.official.years].sort((a, b) => a - b);
  }

  isWorkday(d: IsoDate): boolean {
    return this.describe(d).workday;
  }

  /** Whether `d` is worked and why; throws CalendarDataMissingError outside the known years. */
  describe(d: IsoDate): DayDescription {
    return this.describeDay(toDayNumber(d), d);
  }

  describeRange(from: IsoDate, to: IsoDate): DayDescription[] {
    return datesBetween(from, to).map((d) => this.describe(d));
  }

  /**
   * The n-th working day strictly after `from`. Terminates: the walk either
   * finds it or reaches a year without data and throws.
   */
  addWorkdays(from: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`addWorkdays needs n >= 1, got ${n}`);
    let day = toDayNumber(from);
    let counted = 0;
    while (counted < n) {
      day += 1;
      if (this.describeDay(day).workday) counted++;
    }
    return fromDayNumber(day);
  }

  nextWorkdayOnOrAfter(d: IsoDate): IsoDate {
    let day = toDayNumber(d);
    while (!this.describeDay(day).workday) day += 1;
    return fromDayNumber(day);
  }

  /**
   * One day, by its day number (and its date when the caller has it). The
   * walks above count in day numbers and make each date's string once:
   * deadlines are computed on every transition, and parsing the same date
   * back and forth for its year, its weekday and the next day was ~5 % of a
   * worker's CPU.
   */
  private describeDay(day: number, date: IsoDate = fromDayNumber(day)): DayDescription {
    const year = Number(date.slice(0, 4));
    if (!this.knowsYear(year)) throw new CalendarDataMissingError(year, date);
    return { date, ...this.classify(date, day) };
  }

  private classify(d: IsoDate, day: number): { workday: boolean; reason: DayReason } {
    const override = this.overrides.get(d);
    if (override) return { workday: override.workday, reason: `override:${override.note}` };
    const holiday = this.official.holidays.get(d);
    if (holiday !== undefined) return { workday: false, reason: `holiday:${holiday}` };
    const adjusted = this.official.adjustedWorkdays.get(d);
    if (adjusted !== undefined) return { workday: true, reason: `adjusted-workday:${adjusted}` };
    const weekday = dayOfWeekOf(day);
    const weekend = weekday === SUNDAY || weekday === SATURDAY;
    return { workday: !weekend, reason: weekend ? 'weekend' : 'weekday' };
  }
}

/**
 * Copied so a caller mutating its own Map cannot change answers later. Overrides
 * in unknown years are kept (an admin may enter them before the State Council
 * publishes) but do not make that year known.
 */
function copyOverrides(overrides: CalendarOverrides = new Map()): CalendarOverrides {
  const copy = new Map<IsoDate, CalendarOverride>();
  for (const [date, { workday, note }] of overrides) {
    copy.set(parseIsoDate(date), { workday, note });
  }
  return copy;
}
