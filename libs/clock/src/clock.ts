/**
 * The service's one source of "now". Code never calls `new Date()` for
 * business time, so that a whole survey season can be driven by a manual clock.
 */
export abstract class Clock {
  abstract readonly mode: 'system' | 'manual';
  abstract now(): Date;
}

export class SystemClock extends Clock {
  readonly mode = 'system' as const;
  now(): Date {
    return new Date();
  }
}
