import { noticeRules, type CampaignRules } from '../campaign';
import type { AssessmentContext } from '../assessment';
import type { HouseholdDeclaration, MemberDeclaration } from '../household';
import type { PropertyDeclaration } from '../housing';
import { residentId } from './resident-ids';

export const HOME_COMMUNITY = 'community-minhe-1';
export const OTHER_COUNTY_COMMUNITY = 'community-minhe-2';
export const OUTSIDE_COMMUNITY = 'community-outside-county';

/** Survey year 2025, reference income 20,000.00 yuan: age and transfer cut-off 2025-08-31, hukou 2024-12-31. */
export const TEST_RULES: CampaignRules = noticeRules(2025, 2_000_000);
export const TEST_TODAY = '2025-09-15';

export function testContext(overrides: Partial<AssessmentContext> = {}): AssessmentContext {
  return {
    today: TEST_TODAY,
    countyCommunityIds: new Set([HOME_COMMUNITY, OTHER_COUNTY_COMMUNITY]),
    idNumbersInOtherLiveApplications: new Set(),
    ...overrides,
  };
}

export function applicant(overrides: Partial<MemberDeclaration> = {}): MemberDeclaration {
  return {
    name: '张三',
    idNumber: residentId({ birthDate: '1980-03-15', sex: 'male', order: 1 }),
    relation: 'applicant',
    maritalStatus: 'married',
    hukouCommunityId: HOME_COMMUNITY,
    hukouSince: '2000-01-01',
    incomeSource: 'employed',
    annualIncomeFen: 0,
    ...overrides,
  };
}

export function spouse(overrides: Partial<MemberDeclaration> = {}): MemberDeclaration {
  return applicant({
    name: '李四',
    idNumber: residentId({ birthDate: '1982-06-20', sex: 'female', order: 2 }),
    relation: 'spouse',
    ...overrides,
  });
}

export function child(overrides: Partial<MemberDeclaration> = {}): MemberDeclaration {
  return applicant({
    name: '张小',
    idNumber: residentId({ birthDate: '2010-09-01', sex: 'male', order: 3 }),
    relation: 'child',
    maritalStatus: 'unmarried',
    hukouSince: '2010-09-10',
    incomeSource: 'none',
    ...overrides,
  });
}

export function property(overrides: Partial<PropertyDeclaration> = {}): PropertyDeclaration {
  return {
    id: 'p1',
    kind: 'private',
    ownerIdNumber: applicant().idNumber,
    address: '民和镇某路 1 号',
    areaCenti: 3000,
    ...overrides,
  };
}

/** A married couple and one child, no home, no income: eligible under TEST_RULES. */
export function familyOfThree(overrides: Partial<HouseholdDeclaration> = {}): HouseholdDeclaration {
  return {
    communityId: HOME_COMMUNITY,
    members: [applicant(), spouse(), child()],
    properties: [],
    ...overrides,
  };
}
