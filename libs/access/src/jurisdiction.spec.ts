import { AuthUser } from './auth-user';
import { assertInJurisdiction, inJurisdiction } from './jurisdiction';

const county = '/c/';
const townA = '/c/ta/';
const communityA1 = '/c/ta/a1/';
const communityA2 = '/c/ta/a2/';
const townB = '/c/tb/';
const communityB1 = '/c/tb/b1/';

const user = (role: AuthUser['role'], regionPath: string | null): AuthUser => ({
  id: 'u',
  username: 'u',
  name: 'u',
  role,
  regionId: regionPath ? 'r' : null,
  regionPath,
});

describe('jurisdiction', () => {
  it.each([
    ['a community reviewer', user('community_reviewer', communityA1), communityA1, true],
    ['a community reviewer', user('community_reviewer', communityA1), communityA2, false],
    ['a community reviewer', user('community_reviewer', communityA1), townA, false],
    ['a town reviewer', user('town_reviewer', townA), communityA2, true],
    ['a town reviewer', user('town_reviewer', townA), communityB1, false],
    ['a town reviewer', user('town_reviewer', townA), county, false],
    ['a bureau reviewer', user('bureau_reviewer', county), communityB1, true],
    ['a county admin', user('admin', county), townB, true],
    ['the bootstrap admin', user('admin', null), communityB1, true],
    ['an applicant', user('applicant', null), communityA1, false],
  ])('%s at %s: region %s inside is %s', (_who, u, path, expected) => {
    expect(inJurisdiction(u, path)).toBe(expected);
  });

  it('a path that merely starts with the same characters is not inside', () => {
    expect(inJurisdiction(user('town_reviewer', '/c/t1/'), '/c/t10/x/')).toBe(false);
  });

  it('reports a region outside as absent (404), not forbidden', () => {
    expect(() => assertInJurisdiction(user('town_reviewer', townA), communityB1, 'Region')).toThrow(
      expect.objectContaining({ status: 404, code: 'NOT_FOUND' }),
    );
  });
});
