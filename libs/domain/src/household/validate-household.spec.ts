import {
  applicant,
  child,
  familyOfThree,
  property,
  spouse,
  TEST_TODAY,
} from '../testing/households';
import { residentId, withWrongCheckCharacter } from '../testing/resident-ids';
import { validateHousehold, type HouseholdDeclaration } from '.';

const errorsOf = (declaration: HouseholdDeclaration) => {
  const result = validateHousehold(declaration, TEST_TODAY);
  return result.ok ? [] : result.errors.map((e) => [e.code, e.path]);
};

describe('validating a declared household', () => {
  it('a well-formed family of three is valid and each member carries the identity read from the ID number', () => {
    const result = validateHousehold(familyOfThree(), TEST_TODAY);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.household.members.map((m) => [m.identity.sex, m.identity.birthDate])).toEqual([
        ['male', '1980-03-15'],
        ['female', '1982-06-20'],
        ['male', '2010-09-01'],
      ]);
    }
  });

  it.each<[string, HouseholdDeclaration, string[][]]>([
    ['no members at all', familyOfThree({ members: [] }), [['HOUSEHOLD_EMPTY', 'members']]],
    [
      'an ID number with a wrong check character',
      familyOfThree({
        members: [
          applicant(),
          spouse({ idNumber: withWrongCheckCharacter(spouse().idNumber) }),
          child(),
        ],
      }),
      [['ID_CHECKSUM', 'members[1].idNumber']],
    ],
    [
      'an ID number with an impossible birth date 19990230',
      familyOfThree({
        members: [applicant({ idNumber: residentId({ birthDate: '1999-02-30' }) })],
      }),
      [['ID_BIRTH_DATE', 'members[0].idNumber']],
    ],
    [
      'a declared sex the ID number contradicts',
      familyOfThree({ members: [applicant({ declaredSex: 'female' }), spouse(), child()] }),
      [['ID_SEX_MISMATCH', 'members[0].idNumber']],
    ],
    [
      'a declared birth date the ID number contradicts',
      familyOfThree({
        members: [applicant({ declaredBirthDate: '1980-03-16' }), spouse(), child()],
      }),
      [['ID_BIRTH_DATE_MISMATCH', 'members[0].idNumber']],
    ],
    [
      'a declared birth date that is not a date',
      familyOfThree({
        members: [applicant({ declaredBirthDate: '1980-02-30' }), spouse(), child()],
      }),
      [
        ['ID_BIRTH_DATE_MISMATCH', 'members[0].idNumber'],
        ['INVALID_DATE', 'members[0].declaredBirthDate'],
      ],
    ],
    [
      'the same ID number twice',
      familyOfThree({ members: [applicant(), spouse(), child(), child({ name: '张小二' })] }),
      [['DUPLICATE_ID_NUMBER', 'members[3].idNumber']],
    ],
    [
      'a hukou date that is not a date',
      familyOfThree({ members: [applicant({ hukouSince: '2000-13-01' }), spouse(), child()] }),
      [['INVALID_DATE', 'members[0].hukouSince']],
    ],
    [
      'a hukou registered before the birth',
      familyOfThree({ members: [applicant(), spouse(), child({ hukouSince: '2010-08-31' })] }),
      [['HUKOU_SINCE_BEFORE_BIRTH', 'members[2].hukouSince']],
    ],
    [
      'income declared for a member with no income source',
      familyOfThree({ members: [applicant(), spouse(), child({ annualIncomeFen: 1 })] }),
      [['INCOME_WITH_SOURCE_NONE', 'members[2].annualIncomeFen']],
    ],
    [
      'a fractional number of fen',
      familyOfThree({ members: [applicant({ annualIncomeFen: 0.5 }), spouse(), child()] }),
      [['INVALID_MONEY', 'members[0].annualIncomeFen']],
    ],
    [
      'a negative income',
      familyOfThree({ members: [applicant({ annualIncomeFen: -100 }), spouse(), child()] }),
      [['INVALID_MONEY', 'members[0].annualIncomeFen']],
    ],
    [
      'a property owned by someone outside the household',
      familyOfThree({ properties: [property({ ownerIdNumber: residentId({ order: 99 }) })] }),
      [['PROPERTY_OWNER_NOT_MEMBER', 'properties[0].ownerIdNumber']],
    ],
  ])('refuses %s', (_what, declaration, errors) => {
    expect(errorsOf(declaration)).toEqual(errors);
  });

  it('reports every structural error at once', () => {
    const declaration = familyOfThree({
      members: [
        applicant({ idNumber: '11010519491231002x' }),
        spouse({ idNumber: '36012419900101123' }),
        child({ annualIncomeFen: 100, hukouSince: '2010' }),
      ],
      properties: [
        property({ ownerIdNumber: 'nobody', transferredOn: '2025-01-01', areaCenti: 0 }),
      ],
    });
    expect(errorsOf(declaration)).toEqual([
      ['ID_LOWERCASE_X', 'members[0].idNumber'],
      ['ID_FORMAT', 'members[1].idNumber'],
      ['INVALID_DATE', 'members[2].hukouSince'],
      ['INCOME_WITH_SOURCE_NONE', 'members[2].annualIncomeFen'],
      ['INVALID_AREA', 'properties[0].areaCenti'],
      ['PROPERTY_OWNER_NOT_MEMBER', 'properties[0].ownerIdNumber'],
      ['PROPERTY_TRANSFER_INCOMPLETE', 'properties[0].transferReason'],
    ]);
  });

  it('names the member or property each error is about', () => {
    const result = validateHousehold(
      familyOfThree({
        members: [applicant(), spouse(), child({ annualIncomeFen: 1 })],
        properties: [property({ areaCenti: -1 })],
      }),
      TEST_TODAY,
    );
    expect(result.ok ? [] : result.errors).toEqual([
      expect.objectContaining({
        code: 'INCOME_WITH_SOURCE_NONE',
        memberIdNumber: child().idNumber,
      }),
      expect.objectContaining({ code: 'INVALID_AREA', propertyId: 'p1' }),
    ]);
  });
});
