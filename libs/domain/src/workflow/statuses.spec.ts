import {
  APPLICATION_STATUSES,
  isFinal,
  isLive,
  nextLevel,
  NOTICE_STATUS_OF,
  phaseOf,
  REVIEW_LEVELS,
  REVIEW_STATUS_OF,
  statusAt,
  type ApplicationStatus,
} from '.';

describe('statuses', () => {
  it.each<[ApplicationStatus, boolean, boolean]>([
    ['draft', false, false],
    ['community_review', true, false],
    ['community_notice', true, false],
    ['town_review', true, false],
    ['town_notice', true, false],
    ['bureau_review', true, false],
    ['bureau_notice', true, false],
    ['approved', true, false],
    ['rejected', false, true],
    ['returned', true, false],
    ['withdrawn', false, true],
    ['revoked', false, true],
  ])('%s: live %p, final %p', (status, live, final) => {
    expect([isLive(status), isFinal(status)]).toEqual([live, final]);
  });

  it('covers every status in the list above', () => {
    expect(APPLICATION_STATUSES).toHaveLength(12);
  });

  it('levels come in order, the bureau last', () => {
    expect(REVIEW_LEVELS.map(nextLevel)).toEqual(['town', 'bureau', null]);
  });

  it('names the review and notice status of each level', () => {
    expect(REVIEW_STATUS_OF).toEqual({
      community: 'community_review',
      town: 'town_review',
      bureau: 'bureau_review',
    });
    expect(NOTICE_STATUS_OF).toEqual({
      community: 'community_notice',
      town: 'town_notice',
      bureau: 'bureau_notice',
    });
  });

  it.each(REVIEW_LEVELS)('phase and level give back the %s statuses', (level) => {
    expect(statusAt(phaseOf(REVIEW_STATUS_OF[level]), level)).toBe(REVIEW_STATUS_OF[level]);
    expect(statusAt(phaseOf(NOTICE_STATUS_OF[level]), level)).toBe(NOTICE_STATUS_OF[level]);
  });

  it('a review phase needs a level', () => {
    expect(() => statusAt('review', null)).toThrow(RangeError);
  });
});
