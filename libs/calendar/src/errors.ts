/**
 * Errors carry a stable `code` so the HTTP layer can map them to the error body
 * in api.md without matching on messages.
 */

/** A string that is not an existing YYYY-MM-DD date, or a Date that is not a valid instant. */
export class InvalidDateError extends Error {
  readonly code = 'INVALID_DATE';

  constructor(readonly input: string) {
    super(`Invalid date: ${JSON.stringify(input)} (expected an existing date as YYYY-MM-DD)`);
    this.name = 'InvalidDateError';
  }
}

/**
 * A date falls in a year the official arrangement does not cover. Guessing
 * "weekends only" there would silently produce wrong deadlines, so it is an error.
 */
export class CalendarDataMissingError extends Error {
  readonly code = 'CALENDAR_DATA_MISSING';

  constructor(
    readonly year: number,
    readonly date: string,
  ) {
    super(`No official holiday arrangement for ${year} (needed for ${date})`);
    this.name = 'CalendarDataMissingError';
  }
}

/** The official data itself is malformed; raised while loading, never per query. */
export class OfficialDataError extends Error {
  readonly code = 'CALENDAR_DATA_INVALID';

  constructor(message: string) {
    super(`Official calendar data is invalid: ${message}`);
    this.name = 'OfficialDataError';
  }
}
