import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays, IsoDate, loadOfficialCalendar, shanghaiDateOf, yearOf } from '@app/calendar';
import { TEST_RUN_ID } from './test-env';

/**
 * For the tests that run under the system clock: their households are
 * submitted today, so their campaign must be open today and their deadlines
 * fall in the weeks after it, possibly in a year the pinned chinese-days
 * package does not know yet (any day from late December of its last year).
 */

/** A campaign window around today: open since a month ago, closing in two, reported a month later. */
export function windowAroundToday(): { opensOn: IsoDate; closesOn: IsoDate; reportDueOn: IsoDate } {
  const today = shanghaiDateOf(new Date());
  return {
    opensOn: addDays(today, -30),
    closesOn: addDays(today, 60),
    reportDueOn: addDays(today, 90),
  };
}

/**
 * The environment that lets the service count working days around today: when
 * the package lacks a year from a month ago to four months ahead, an
 * OFFICIAL_CALENDAR_FILE holding a made-up arrangement for it (weekends, and
 * New Year's Day as its only holiday). It is a test fixture, never a State
 * Council notice; with no year lacking, nothing is set.
 */
export function calendarAroundToday(): Record<string, string> {
  const known = loadOfficialCalendar().years;
  const today = shanghaiDateOf(new Date());
  const years = new Set([addDays(today, -30), addDays(today, 120)].map(yearOf));
  const lacking = [...years].filter((year) => !known.has(year));
  if (lacking.length === 0) return {};
  const holidays = Object.fromEntries(
    lacking.map((year) => [`${year}-01-01`, "New Year's Day,元旦,1"]),
  );
  const path = join(tmpdir(), `housing-test-calendar-${TEST_RUN_ID}.json`);
  writeFileSync(path, JSON.stringify({ holidays, workdays: {} }));
  return { OFFICIAL_CALENDAR_FILE: path };
}
