import { addDays, dayOfWeek, datesBetween, IsoDate, parseIsoDate, yearOf } from './civil-date';
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
    const year = yearOf(d);
    if (!this.knowsYear(year)) throw new CalendarDataMissingError(year, d);
    return { date: d, ...this.classify(d) };
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
    let day = from;
    let counted = 0;
    while (counted < n) {
      day = addDays(day, 1);
      if (this.isWorkday(day)) counted++;
    }
    return day;
  }

  nextWorkdayOnOrAfter(d: IsoDate): IsoDate {
    let day = d;
    while (!this.isWorkday(day)) day = addDays(day, 1);
    return day;
  }

  private classify(d: IsoDate): { workday: boolean; reason: DayReason } {
    const override = this.overrides.get(d);
    if (override) return { workday: override.workday, reason: `override:${override.note}` };
    const holiday = this.official.holidays.get(d);
    if (holiday !== undefined) return { workday: false, reason: `holiday:${holiday}` };
    const adjusted = this.official.adjustedWorkdays.get(d);
    if (adjusted !== undefined) return { workday: true, reason: `adjusted-workday:${adjusted}` };
    const weekday = dayOfWeek(d);
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
