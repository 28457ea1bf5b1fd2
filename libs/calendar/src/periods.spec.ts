import { CalendarDataMissingError } from './errors';
import {
  DEFAULT_NOTICE_RULES,
  levelReceivedOn,
  noticePeriod,
  NoticeRules,
  reviewDeadline,
} from './periods';
import { formatShanghaiInstant } from './shanghai-time';
import { WorkingCalendar } from './working-calendar';

// Expected values are worked out by hand from the State Council arrangement:
// 2025: Oct 1-8 off, Sun Sep 28 and Sat Oct 11 worked.
// 2026: Mid-Autumn Fri Sep 25 - Sun Sep 27 off, Oct 1-7 off, Sun Sep 20 and Sat Oct 10 worked.
const cal = new WorkingCalendar();

/** Checks the instant both as api.md writes it and numerically, independent of our formatter. */
function expectInstant(actual: Date, expected: string): void {
  expect(formatShanghaiInstant(actual)).toBe(expected);
  expect(actual.getTime()).toBe(Date.parse(expected));
}

describe('reviewDeadline: day 1 is the first working day after receipt, due at the end of day N', () => {
  it('received Fri 2025-09-26, 5 working days: last day Fri 2025-10-10, due 2025-10-11T00:00+08:00', () => {
    const { lastDay, dueAt } = reviewDeadline(cal, '2025-09-26', 5);
    expect(lastDay).toBe('2025-10-10');
    expectInstant(dueAt, '2025-10-11T00:00:00+08:00');
    expect(dueAt.toISOString()).toBe('2025-10-10T16:00:00.000Z');
  });

  it.each([
    // National Day 2025
    ['2025-09-22', 5, '2025-09-28', '2025-09-29T00:00:00+08:00', 'day 5 is the worked Sunday'],
    ['2025-09-22', 10, '2025-10-11', '2025-10-12T00:00:00+08:00', 'day 10 is the worked Saturday'],
    ['2025-09-22', 15, '2025-10-17', '2025-10-18T00:00:00+08:00', ''],
    ['2025-09-26', 10, '2025-10-16', '2025-10-17T00:00:00+08:00', ''],
    ['2025-09-26', 15, '2025-10-23', '2025-10-24T00:00:00+08:00', ''],
    [
      '2025-09-27',
      5,
      '2025-10-10',
      '2025-10-11T00:00:00+08:00',
      'a Saturday receipt counts like Friday',
    ],
    ['2025-09-28', 5, '2025-10-11', '2025-10-12T00:00:00+08:00', 'received on the worked Sunday'],
    ['2025-09-28', 10, '2025-10-17', '2025-10-18T00:00:00+08:00', ''],
    ['2025-09-28', 15, '2025-10-24', '2025-10-25T00:00:00+08:00', ''],
    ['2025-09-30', 5, '2025-10-14', '2025-10-15T00:00:00+08:00', 'eve of the break'],
    ['2025-09-30', 10, '2025-10-21', '2025-10-22T00:00:00+08:00', ''],
    ['2025-09-30', 15, '2025-10-28', '2025-10-29T00:00:00+08:00', ''],
    ['2025-10-01', 5, '2025-10-14', '2025-10-15T00:00:00+08:00', 'received on a holiday'],
    ['2025-10-08', 5, '2025-10-14', '2025-10-15T00:00:00+08:00', 'received on the last holiday'],
    ['2025-10-08', 15, '2025-10-28', '2025-10-29T00:00:00+08:00', ''],
    ['2025-10-09', 5, '2025-10-15', '2025-10-16T00:00:00+08:00', 'first day back'],
    ['2025-10-09', 10, '2025-10-22', '2025-10-23T00:00:00+08:00', ''],
    ['2025-10-09', 15, '2025-10-29', '2025-10-30T00:00:00+08:00', ''],
    // Mid-Autumn and National Day 2026
    ['2026-09-18', 5, '2026-09-24', '2026-09-25T00:00:00+08:00', 'day 1 is the worked Sunday'],
    ['2026-09-18', 10, '2026-10-09', '2026-10-10T00:00:00+08:00', ''],
    ['2026-09-18', 15, '2026-10-15', '2026-10-16T00:00:00+08:00', ''],
    ['2026-09-19', 5, '2026-09-24', '2026-09-25T00:00:00+08:00', 'a Saturday receipt'],
    ['2026-09-24', 5, '2026-10-09', '2026-10-10T00:00:00+08:00', 'over Mid-Autumn and the break'],
    ['2026-09-24', 10, '2026-10-15', '2026-10-16T00:00:00+08:00', ''],
    ['2026-09-24', 15, '2026-10-22', '2026-10-23T00:00:00+08:00', ''],
    ['2026-09-25', 5, '2026-10-09', '2026-10-10T00:00:00+08:00', 'received on Mid-Autumn'],
    ['2026-09-30', 5, '2026-10-13', '2026-10-14T00:00:00+08:00', 'day 3 is the worked Saturday'],
    ['2026-09-30', 10, '2026-10-20', '2026-10-21T00:00:00+08:00', ''],
    ['2026-09-30', 15, '2026-10-27', '2026-10-28T00:00:00+08:00', ''],
    ['2026-10-08', 5, '2026-10-14', '2026-10-15T00:00:00+08:00', 'first day back'],
    ['2026-10-08', 10, '2026-10-21', '2026-10-22T00:00:00+08:00', ''],
    ['2026-10-08', 15, '2026-10-28', '2026-10-29T00:00:00+08:00', ''],
  ])('received %s, %i working days: last day %s, due %s %s', (receivedOn, n, lastDay, dueAt) => {
    const deadline = reviewDeadline(cal, receivedOn, n);
    expect(deadline.lastDay).toBe(lastDay);
    expectInstant(deadline.dueAt, dueAt);
  });

  it('throws instead of guessing when the count runs into 2027', () => {
    expect(() => reviewDeadline(cal, '2026-12-28', 10)).toThrow(CalendarDataMissingError);
  });
});

describe('noticePeriod with the default rules (art. 201 and art. 203)', () => {
  it('posted Sun 2025-09-28 for 5 days: Oct 3 is a holiday, so it ends with Thu Oct 9', () => {
    const { lastDay, endsAt } = noticePeriod(cal, '2025-09-28', 5);
    expect(lastDay).toBe('2025-10-09');
    expectInstant(endsAt, '2025-10-10T00:00:00+08:00');
  });

  it.each([
    // 2025
    ['2025-09-20', '2025-09-25', '2025-09-26T00:00:00+08:00', 'ordinary Thursday'],
    ['2025-09-25', '2025-09-30', '2025-10-01T00:00:00+08:00', 'ends on the eve of the break'],
    ['2025-09-26', '2025-10-09', '2025-10-10T00:00:00+08:00', 'Oct 1 is a holiday'],
    ['2025-09-29', '2025-10-09', '2025-10-10T00:00:00+08:00', 'Oct 4 is a holiday'],
    ['2025-10-03', '2025-10-09', '2025-10-10T00:00:00+08:00', 'Oct 8 is the last holiday'],
    ['2025-10-04', '2025-10-09', '2025-10-10T00:00:00+08:00', 'lands on the first day back'],
    ['2025-10-06', '2025-10-11', '2025-10-12T00:00:00+08:00', 'the worked Saturday is not moved'],
    ['2025-10-07', '2025-10-13', '2025-10-14T00:00:00+08:00', 'a plain Sunday moves to Monday'],
    // 2026
    ['2026-09-19', '2026-09-24', '2026-09-25T00:00:00+08:00', 'ends the day before Mid-Autumn'],
    ['2026-09-20', '2026-09-28', '2026-09-29T00:00:00+08:00', 'Sep 25 is Mid-Autumn'],
    ['2026-09-22', '2026-09-28', '2026-09-29T00:00:00+08:00', 'Sep 27 is a Mid-Autumn Sunday'],
    ['2026-09-26', '2026-10-08', '2026-10-09T00:00:00+08:00', 'Oct 1 is a holiday'],
    ['2026-10-02', '2026-10-08', '2026-10-09T00:00:00+08:00', 'Oct 7 is the last holiday'],
    ['2026-10-04', '2026-10-09', '2026-10-10T00:00:00+08:00', 'lands on a working Friday'],
    ['2026-10-05', '2026-10-10', '2026-10-11T00:00:00+08:00', 'the worked Saturday is not moved'],
    ['2026-10-06', '2026-10-12', '2026-10-13T00:00:00+08:00', 'a plain Sunday moves to Monday'],
  ])('posted %s for 5 days: last day %s, ends %s (%s)', (postedOn, lastDay, endsAt) => {
    const notice = noticePeriod(cal, postedOn, 5);
    expect(notice.lastDay).toBe(lastDay);
    expectInstant(notice.endsAt, endsAt);
  });

  it('has both rules on by default, and the defaults cannot be changed', () => {
    expect(DEFAULT_NOTICE_RULES).toEqual({ firstDayExcluded: true, extendToNextWorkday: true });
    expect(Object.isFrozen(DEFAULT_NOTICE_RULES)).toBe(true);
  });

  it.each([0, -5, 2.5])('refuses days = %p', (days) => {
    expect(() => noticePeriod(cal, '2025-09-28', days)).toThrow(RangeError);
  });
});

describe('noticePeriod with the rules switched off', () => {
  const firstDayCounted: NoticeRules = { firstDayExcluded: false, extendToNextWorkday: true };
  const noExtension: NoticeRules = { firstDayExcluded: true, extendToNextWorkday: false };
  const neither: NoticeRules = { firstDayExcluded: false, extendToNextWorkday: false };

  it.each([
    ['first day counted', firstDayCounted, '2025-09-25', '2025-09-29', '2025-09-30T00:00:00+08:00'],
    ['first day counted', firstDayCounted, '2025-09-28', '2025-10-09', '2025-10-10T00:00:00+08:00'],
    ['first day counted', firstDayCounted, '2025-10-07', '2025-10-11', '2025-10-12T00:00:00+08:00'],
    ['no extension', noExtension, '2025-09-28', '2025-10-03', '2025-10-04T00:00:00+08:00'],
    ['no extension', noExtension, '2025-10-07', '2025-10-12', '2025-10-13T00:00:00+08:00'],
    ['no extension', noExtension, '2026-09-20', '2026-09-25', '2026-09-26T00:00:00+08:00'],
    ['neither rule', neither, '2025-09-28', '2025-10-02', '2025-10-03T00:00:00+08:00'],
  ])('%s: posted %s for 5 days ends with %s, at %s', (_, rules, postedOn, lastDay, endsAt) => {
    const notice = noticePeriod(cal, postedOn, 5, rules);
    expect(notice.lastDay).toBe(lastDay);
    expectInstant(notice.endsAt, endsAt);
  });

  it('without art. 203 asks no working-day question, so a 2027 last day is fine', () => {
    const notice = noticePeriod(cal, '2026-12-30', 5, noExtension);
    expect(notice.lastDay).toBe('2027-01-04');
    expectInstant(notice.endsAt, '2027-01-05T00:00:00+08:00');
  });

  it('with art. 203 must know whether a 2027 day is worked, and throws', () => {
    expect(() => noticePeriod(cal, '2026-12-30', 5)).toThrow(CalendarDataMissingError);
  });
});

describe('local overrides move periods', () => {
  const withOverride = (date: string, workday: boolean): WorkingCalendar =>
    new WorkingCalendar({ overrides: new Map([[date, { workday, note: 'local' }]]) });

  it.each([
    [
      '2025-10-10',
      false,
      '2025-09-26',
      5,
      '2025-10-11',
      'a local day off on day 5 pushes it to the worked Saturday',
    ],
    [
      '2025-10-13',
      false,
      '2025-10-09',
      5,
      '2025-10-16',
      'a local day off in the middle adds a day',
    ],
    ['2025-10-08', true, '2025-09-30', 5, '2025-10-13', 'a local workday on a holiday shortens it'],
  ])(
    'override %s workday=%s: received %s, %i days -> %s (%s)',
    (date, workday, receivedOn, n, lastDay) => {
      expect(reviewDeadline(withOverride(date, workday), receivedOn, n).lastDay).toBe(lastDay);
    },
  );

  it.each([
    ['2025-10-11', '2025-10-06', '2025-10-13', 'a local day off on the worked Saturday'],
    ['2025-09-25', '2025-09-20', '2025-09-26', 'a local day off on an ordinary last day'],
  ])(
    'notice ending on overridden day off %s: posted %s, last day %s (%s)',
    (date, postedOn, lastDay) => {
      expect(noticePeriod(withOverride(date, false), postedOn, 5).lastDay).toBe(lastDay);
    },
  );
});

describe('levelReceivedOn: the Shanghai date an application reached a level', () => {
  it.each([
    ['2025-10-09T15:59:59.999Z', '2025-10-09', '23:59:59.999 in Shanghai'],
    ['2025-10-09T16:00:00.000Z', '2025-10-10', 'exactly 00:00 in Shanghai'],
    ['2025-10-09T16:00:01.000Z', '2025-10-10', 'a second after Shanghai midnight'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01', 'Shanghai new year'],
  ])('%s -> %s (%s)', (instant, expected) => {
    expect(levelReceivedOn(new Date(instant))).toBe(expected);
  });

  it('a second either side of Shanghai midnight gives different deadlines', () => {
    const before = levelReceivedOn(new Date('2025-10-09T15:59:59Z'));
    const after = levelReceivedOn(new Date('2025-10-09T16:00:00Z'));
    expect(reviewDeadline(cal, before, 10).lastDay).toBe('2025-10-22');
    expect(reviewDeadline(cal, after, 10).lastDay).toBe('2025-10-23');
  });

  it('forwarded when a notice ends, the next level received it on D+1 and counts from there', () => {
    const notice = noticePeriod(cal, '2025-09-28', 5); // last day Thu Oct 9
    const receivedOn = levelReceivedOn(notice.endsAt);
    expect(receivedOn).toBe('2025-10-10');
    // Day 1 is the worked Saturday Oct 11; day 10 is Thu Oct 23.
    const town = reviewDeadline(cal, receivedOn, 10);
    expect(town.lastDay).toBe('2025-10-23');
    expectInstant(town.dueAt, '2025-10-24T00:00:00+08:00');
  });
});
