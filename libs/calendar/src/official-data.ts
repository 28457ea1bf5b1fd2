// Only the data file of chinese-days is used, never its functions: they parse
// date strings with dayjs in the process's local zone, which shifts the day
// west of UTC. The JSON is plain 'YYYY-MM-DD' keys and needs no parsing of time.
import { readFileSync } from 'node:fs';
import packagedData from 'chinese-days/dist/chinese-days.json';
import { IsoDate, isIsoDate } from './civil-date';
import { OfficialDataError } from './errors';

/**
 * The shape of `chinese-days/dist/chinese-days.json`. Each value reads
 * "English name,中文名,N" where N is the statutory number of days of that
 * festival in that year (not the length of the break).
 */
export interface OfficialData {
  /** Days off: the statutory days plus the weekend and swapped days around them. */
  readonly holidays: Readonly<Record<string, string>>;
  /** Adjusted working days (调休上班日): weekend days worked to pay for a longer break. */
  readonly workdays: Readonly<Record<string, string>>;
  /**
   * Weekday holidays that exist only because a weekend day is worked instead.
   * Already included in `holidays`, so not needed for counting; only checked.
   */
  readonly inLieuDays?: Readonly<Record<string, string>>;
}

/** The State Council arrangement, keyed by date; names are the Chinese ones (国庆节, 中秋, ...). */
export interface OfficialCalendar {
  /** Every year that appears in the data; a date outside these years is unknown. */
  readonly years: ReadonlySet<number>;
  readonly holidays: ReadonlyMap<IsoDate, string>;
  readonly adjustedWorkdays: ReadonlyMap<IsoDate, string>;
}

export function buildOfficialCalendar(data: OfficialData): OfficialCalendar {
  const holidays = readEntries(data.holidays, 'holidays');
  const adjustedWorkdays = readEntries(data.workdays, 'workdays');
  for (const date of adjustedWorkdays.keys()) {
    if (holidays.has(date)) throw new OfficialDataError(`${date} is both a holiday and a workday`);
  }
  for (const date of Object.keys(data.inLieuDays ?? {})) {
    if (!holidays.has(date)) throw new OfficialDataError(`in-lieu day ${date} is not a holiday`);
  }
  const years = new Set([...yearsHeld(data)].map(Number));
  return Object.freeze({ years, holidays, adjustedWorkdays });
}

let packaged: OfficialCalendar | undefined;

/** The arrangement shipped in the pinned chinese-days package, parsed once. */
export function loadOfficialCalendar(): OfficialCalendar {
  packaged ??= buildOfficialCalendar(packagedData);
  return packaged;
}

/**
 * The packaged arrangement with the years of a supplement (the State
 * Council's notice for a year the package does not have yet, or a corrected
 * one) in place of the package's: a year the supplement holds is taken from
 * it whole, never mixed with the package's days of that year.
 *
 * A year's notice may reach into the December before it: its New Year's
 * break can start on 30 or 31 December, or a December weekend be worked for
 * it (the 2012 notice made Sat 2011-12-31 a working day; the 2023 one made
 * Sat 2022-12-31 a day off). Such a day is the earlier year's one day, not
 * that year's whole arrangement: it replaces the package's entry for that
 * date only, and the rest of that year stays as the package has it.
 */
export function supplementedOfficialData(
  base: OfficialData,
  supplement: OfficialData,
): OfficialData {
  const years = yearsHeld(supplement);
  const replaced = (date: string) =>
    years.has(date.slice(0, 4)) || date in supplement.holidays || date in supplement.workdays;
  const merge = (
    from: Readonly<Record<string, string>> | undefined,
    over: Readonly<Record<string, string>> | undefined,
  ) => ({
    ...Object.fromEntries(Object.entries(from ?? {}).filter(([date]) => !replaced(date))),
    ...over,
  });
  return {
    holidays: merge(base.holidays, supplement.holidays),
    workdays: merge(base.workdays, supplement.workdays),
    inLieuDays: merge(base.inLieuDays, supplement.inLieuDays),
  };
}

/**
 * The years whose arrangement the data holds, by their digits ('2026'): every
 * year a date of it names, except a December day of the next year's New Year
 * arrangement, which does not make its own year known. A malformed date is
 * refused by buildOfficialCalendar.
 */
function yearsHeld(data: OfficialData): Set<string> {
  return new Set(
    [...Object.entries(data.holidays), ...Object.entries(data.workdays)]
      .filter(([date, name]) => !isNewYearSpillOver(date, name))
      .map(([date]) => date.slice(0, 4)),
  );
}

/** A December day of the next year's New Year's break or of its swapped working days. */
function isNewYearSpillOver(date: string, name: string): boolean {
  return date.slice(5, 7) === '12' && name.includes('元旦');
}

/**
 * The packaged arrangement supplemented by the JSON file at `path` (same
 * shape as the package's data). A file that cannot be read or is malformed
 * throws OfficialDataError naming it: the service must not start on a
 * calendar it only half knows.
 */
export function loadSupplementedCalendar(path: string): OfficialCalendar {
  let supplement: unknown;
  try {
    supplement = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OfficialDataError(`${path}: ${(error as Error).message}`);
  }
  if (!isOfficialData(supplement)) {
    throw new OfficialDataError(
      `${path}: expected {"holidays": {...}, "workdays": {...}} as chinese-days writes them`,
    );
  }
  return buildOfficialCalendar(supplementedOfficialData(packagedData, supplement));
}

function isOfficialData(value: unknown): value is OfficialData {
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const ofStrings = (v: unknown) =>
    isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
  return (
    isRecord(value) &&
    ofStrings(value.holidays) &&
    ofStrings(value.workdays) &&
    (value.inLieuDays === undefined || ofStrings(value.inLieuDays))
  );
}

function readEntries(record: Readonly<Record<string, string>>, key: string): Map<IsoDate, string> {
  const entries = new Map<IsoDate, string>();
  for (const [date, value] of Object.entries(record)) {
    if (!isIsoDate(date)) throw new OfficialDataError(`${key}: bad date ${date}`);
    entries.set(date, chineseName(value, `${key}[${date}]`));
  }
  return entries;
}

function chineseName(value: string, where: string): string {
  const fields = value.split(',');
  const name = fields[1]?.trim() ?? '';
  if (fields.length !== 3 || name === '') {
    throw new OfficialDataError(
      `${where}: expected "English,中文,days", got ${JSON.stringify(value)}`,
    );
  }
  return name;
}
