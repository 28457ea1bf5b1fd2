import { addDays } from '../dates';
import { HOME_COMMUNITY, OTHER_COUNTY_COMMUNITY, OUTSIDE_COMMUNITY } from '../testing/households';
import { hukouReasons, type MemberHukou } from '.';

const CUTOFF = '2024-12-31';
const COUNTY = new Set([HOME_COMMUNITY, OTHER_COUNTY_COMMUNITY]);
const member = (overrides: Partial<MemberHukou>): MemberHukou => ({
  name: '张三',
  idNumber: 'id-1',
  hukouCommunityId: HOME_COMMUNITY,
  hukouSince: '2000-01-01',
  ...overrides,
});

describe('local urban hukou on or before the hukou cut-off date (2024-12-31)', () => {
  it.each<[string, Partial<MemberHukou>, string[]]>([
    ['registered long before, in the community where the household lives', {}, []],
    [
      'registered in another community of the county',
      { hukouCommunityId: OTHER_COUNTY_COMMUNITY },
      [],
    ],
    ['registered on the cut-off day', { hukouSince: CUTOFF }, []],
    [
      'registered the day after the cut-off',
      { hukouSince: addDays(CUTOFF, 1) },
      ['HUKOU_TOO_LATE'],
    ],
    ['registered outside the county', { hukouCommunityId: OUTSIDE_COMMUNITY }, ['HUKOU_NOT_LOCAL']],
    [
      'registered outside the county after the cut-off (only the locality counts)',
      { hukouCommunityId: OUTSIDE_COMMUNITY, hukouSince: '2025-06-01' },
      ['HUKOU_NOT_LOCAL'],
    ],
  ])('a member %s', (_what, overrides, codes) => {
    expect(hukouReasons([member(overrides)], CUTOFF, COUNTY).map((r) => r.code)).toEqual(codes);
  });

  it('reports every member who fails, naming them', () => {
    const reasons = hukouReasons(
      [
        member({ idNumber: 'a' }),
        member({ idNumber: 'b', hukouCommunityId: OUTSIDE_COMMUNITY }),
        member({ idNumber: 'c', hukouSince: '2025-01-01' }),
      ],
      CUTOFF,
      COUNTY,
    );
    expect(reasons.map((r) => [r.code, r.memberIdNumber])).toEqual([
      ['HUKOU_NOT_LOCAL', 'b'],
      ['HUKOU_TOO_LATE', 'c'],
    ]);
  });
});
