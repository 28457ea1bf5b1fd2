import { applicant, child, spouse, TEST_RULES, TEST_TODAY } from '../testing/households';
import { residentId } from '../testing/resident-ids';
import { addDays } from '../dates';
import { compositionReasons, validateHousehold, type MemberDeclaration } from '.';

const CUTOFF = TEST_RULES.ageCutoffDate; // 2025-08-31

function reasonsFor(...declared: MemberDeclaration[]) {
  const result = validateHousehold(
    { communityId: 'c', members: declared, properties: [] },
    TEST_TODAY,
  );
  if (!result.ok) throw new Error(`test household is malformed: ${JSON.stringify(result.errors)}`);
  return compositionReasons(result.household.members, CUTOFF).map((r) => [r.code, r.rule ?? null]);
}

/** An applicant registered locally since birth, unmarried unless told otherwise. */
function single(
  sex: 'male' | 'female',
  birthDate: string,
  maritalStatus: MemberDeclaration['maritalStatus'] = 'unmarried',
) {
  return applicant({
    idNumber: residentId({ sex, birthDate }),
    maritalStatus,
    hukouSince: birthDate,
  });
}

describe('household composition', () => {
  it.each<[string, MemberDeclaration[]]>([
    ['a married couple', [applicant(), spouse()]],
    ['a married couple and an unmarried child', [applicant(), spouse(), child()]],
    [
      'a married couple and three unmarried children',
      [
        applicant(),
        spouse(),
        child(),
        child({ idNumber: residentId({ order: 4 }) }),
        child({ idNumber: residentId({ order: 5 }) }),
      ],
    ],
    [
      'a married couple with the wife as applicant',
      [spouse({ relation: 'applicant' }), applicant({ relation: 'spouse' })],
    ],
    [
      'a divorced parent and an unmarried child',
      [applicant({ maritalStatus: 'divorced' }), child()],
    ],
    ['a widowed parent and an unmarried child', [applicant({ maritalStatus: 'widowed' }), child()]],
    ['a divorced person alone', [applicant({ maritalStatus: 'divorced' })]],
    ['a widowed person alone', [applicant({ maritalStatus: 'widowed' })]],
    [
      'an unmarried parent and a child (the notice is silent; allowed)',
      [single('female', '2005-01-01'), child()],
    ],
    [
      'an adult unmarried child in the household (any age may stay with the parents)',
      [
        applicant(),
        spouse(),
        child({ idNumber: residentId({ birthDate: '1998-01-01', order: 6 }) }),
      ],
    ],
  ])('%s is a valid household', (_what, members) => {
    expect(reasonsFor(...members)).toEqual([]);
  });

  it.each<[string, MemberDeclaration[], (string | null)[][]]>([
    ['no applicant', [spouse(), child()], [['INVALID_COMPOSITION', 'NO_APPLICANT']]],
    [
      'two applicants',
      [applicant(), spouse({ relation: 'applicant' })],
      [['INVALID_COMPOSITION', 'MULTIPLE_APPLICANTS']],
    ],
    [
      'two spouses',
      [applicant(), spouse(), spouse({ idNumber: residentId({ sex: 'female', order: 7 }) })],
      [['INVALID_COMPOSITION', 'MULTIPLE_SPOUSES']],
    ],
    [
      'a married child',
      [applicant(), spouse(), child({ maritalStatus: 'married' })],
      [['INVALID_COMPOSITION', 'CHILD_NOT_UNMARRIED']],
    ],
    [
      'a divorced child',
      [applicant(), spouse(), child({ maritalStatus: 'divorced' })],
      [['INVALID_COMPOSITION', 'CHILD_NOT_UNMARRIED']],
    ],
    [
      'a widowed child',
      [applicant(), spouse(), child({ maritalStatus: 'widowed' })],
      [['INVALID_COMPOSITION', 'CHILD_NOT_UNMARRIED']],
    ],
    [
      'a spouse who is not married',
      [applicant(), spouse({ maritalStatus: 'divorced' })],
      [['INVALID_COMPOSITION', 'SPOUSE_NOT_MARRIED']],
    ],
    [
      'a spouse of a divorced applicant',
      [applicant({ maritalStatus: 'divorced' }), spouse()],
      [['INVALID_COMPOSITION', 'SPOUSE_OF_UNMARRIED_APPLICANT']],
    ],
    [
      'a married applicant without the spouse',
      [applicant(), child()],
      [['INVALID_COMPOSITION', 'MARRIED_APPLICANT_WITHOUT_SPOUSE']],
    ],
    [
      'a married applicant alone',
      [applicant()],
      [['INVALID_COMPOSITION', 'MARRIED_APPLICANT_WITHOUT_SPOUSE']],
    ],
    [
      'a spouse of the same sex',
      [applicant(), spouse({ idNumber: residentId({ sex: 'male', order: 8 }) })],
      [['INVALID_COMPOSITION', 'SPOUSE_SAME_SEX']],
    ],
  ])('%s is INVALID_COMPOSITION', (_what, members, reasons) => {
    expect(reasonsFor(...members)).toEqual(reasons);
  });

  it('reports every composition problem at once', () => {
    expect(
      reasonsFor(
        spouse({ maritalStatus: 'widowed' }),
        spouse({ idNumber: residentId({ order: 9 }) }),
        child({ maritalStatus: 'married' }),
      ),
    ).toEqual([
      ['INVALID_COMPOSITION', 'NO_APPLICANT'],
      ['INVALID_COMPOSITION', 'MULTIPLE_SPOUSES'],
      ['INVALID_COMPOSITION', 'SPOUSE_NOT_MARRIED'],
      ['INVALID_COMPOSITION', 'CHILD_NOT_UNMARRIED'],
    ]);
  });

  describe('an unmarried person applying alone (25 male / 23 female on the age cut-off date 2025-08-31)', () => {
    const tooYoung = [['TOO_YOUNG_TO_APPLY_ALONE', null]];
    it.each<[string, 'male' | 'female', string, (string | null)[][]]>([
      ['a man whose 25th birthday is the cut-off day', 'male', '2000-08-31', []],
      ['a man the day before his 25th birthday', 'male', addDays('2000-08-31', 1), tooYoung],
      ['a man well over 25', 'male', '1970-01-01', []],
      ['a woman whose 23rd birthday is the cut-off day', 'female', '2002-08-31', []],
      ['a woman the day before her 23rd birthday', 'female', addDays('2002-08-31', 1), tooYoung],
      [
        'a man of exactly 23 (the women’s age does not apply to men)',
        'male',
        '2002-08-31',
        tooYoung,
      ],
      ['a man born on Feb 29 2000 (25 on Feb 28 2025)', 'male', '2000-02-29', []],
    ])('%s', (_what, sex, birthDate, reasons) => {
      expect(reasonsFor(single(sex, birthDate))).toEqual(reasons);
    });

    it.each(['divorced', 'widowed'] as const)('does not apply to a %s person', (status) => {
      expect(reasonsFor(single('male', '2003-01-01', status))).toEqual([]);
    });

    it('does not apply to a young unmarried applicant with a child', () => {
      expect(reasonsFor(single('male', '2003-01-01'), child())).toEqual([]);
    });

    it('the age is taken on the cut-off date, not today', () => {
      const result = validateHousehold(
        { communityId: 'c', members: [single('male', '2000-09-10')], properties: [] },
        TEST_TODAY,
      );
      if (!result.ok) throw new Error('malformed');
      // 25 on 2025-09-10, before today (2025-09-15) but after the cut-off.
      expect(compositionReasons(result.household.members, CUTOFF).map((r) => r.code)).toEqual([
        'TOO_YOUNG_TO_APPLY_ALONE',
      ]);
      expect(compositionReasons(result.household.members, '2025-09-10')).toEqual([]);
    });
  });
});
