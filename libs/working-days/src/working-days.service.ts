import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import {
  CalendarDataMissingError,
  addDays,
  compareDates,
  DayDescription,
  IsoDate,
  loadOfficialCalendar,
  loadSupplementedCalendar,
  NoticeRules,
  OfficialCalendar,
  WorkingCalendar,
  yearOf,
} from '@app/calendar';
import { AppConfig } from '@app/config';
import { AppError } from '@app/http';
import { CalendarOverrideRow } from './calendar-override.entity';

/** One override of the official arrangement, as `OVERRIDES_AS_JSON` answers it. */
export type CalendarOverride = Pick<CalendarOverrideRow, 'date' | 'workday' | 'note'>;

/** Every override as one JSON array (or null), a subquery to read with other rows. */
export const OVERRIDES_AS_JSON = `SELECT json_agg(json_build_object('date', date, 'workday', workday, 'note', note))
  FROM calendar_overrides`;

/** Longest range one workdays query may cover. */
export const MAX_RANGE_DAYS = 366;

/**
 * The working calendar in force: the State Council's arrangement (the
 * package's, with OFFICIAL_CALENDAR_FILE's years if one is set) plus the
 * county's overrides. Overrides are read on each use (a few rows), so every
 * process sees an admin's change at once.
 */
@Injectable()
export class WorkingDaysService {
  private readonly official: OfficialCalendar;

  constructor(
    @InjectRepository(CalendarOverrideRow)
    private readonly overrides: Repository<CalendarOverrideRow>,
    private readonly config: AppConfig,
  ) {
    this.official = config.officialCalendarFile
      ? loadSupplementedCalendar(config.officialCalendarFile)
      : loadOfficialCalendar();
  }

  /** The calendar in force; inside a transaction (`manager`), read on its connection. */
  async calendar(manager?: EntityManager): Promise<WorkingCalendar> {
    const rows = await (manager?.getRepository(CalendarOverrideRow) ?? this.overrides).find();
    return this.calendarWith(rows);
  }

  /** The calendar with overrides already read (`OVERRIDES_AS_JSON`, read with other rows). */
  calendarWith(rows: readonly CalendarOverride[]): WorkingCalendar {
    return new WorkingCalendar({
      official: this.official,
      overrides: new Map(rows.map((r) => [r.date, { workday: r.workday, note: r.note }])),
    });
  }

  noticeRules(): NoticeRules {
    return {
      firstDayExcluded: this.config.noticeFirstDayExcluded,
      extendToNextWorkday: this.config.noticeExtendToWorkday,
    };
  }

  async describeRange(from: IsoDate, to: IsoDate): Promise<DayDescription[]> {
    if (compareDates(from, to) > 0) {
      throw AppError.badRequest('INVALID_RANGE', '`from` must not be after `to`');
    }
    // Compared before any day is built, so an absurd range costs nothing.
    if (compareDates(to, addDays(from, MAX_RANGE_DAYS - 1)) > 0) {
      throw AppError.badRequest('INVALID_RANGE', `At most ${MAX_RANGE_DAYS} days per query`);
    }
    const calendar = await this.calendar();
    return translateCalendarErrors(() => calendar.describeRange(from, to));
  }

  async setOverride(
    date: IsoDate,
    workday: boolean,
    note: string,
    userId: string,
  ): Promise<DayDescription> {
    const calendar = await this.calendar();
    if (!calendar.knowsYear(yearOf(date))) {
      throw calendarDataMissing(new CalendarDataMissingError(yearOf(date), date));
    }
    await this.overrides.upsert({ date, workday, note, updatedBy: userId }, ['date']);
    return (await this.calendar()).describe(date);
  }

  async removeOverride(date: IsoDate): Promise<void> {
    const result = await this.overrides.delete({ date });
    if (!result.affected) throw AppError.notFound('Override');
  }
}

/** A date in a year with no official arrangement is a rule the request breaks: 422. */
export function calendarDataMissing(e: CalendarDataMissingError): AppError {
  return AppError.unprocessable(e.code, e.message);
}

export function translateCalendarErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CalendarDataMissingError) throw calendarDataMissing(e);
    throw e;
  }
}
