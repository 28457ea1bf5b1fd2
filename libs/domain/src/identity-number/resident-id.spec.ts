import { checkCharacterFor, residentId, withWrongCheckCharacter } from '../testing/resident-ids';
import {
  PROVINCE_CODES,
  residentIdCheckCharacter,
  validateResidentId,
  type ResidentIdIssueCode,
} from '.';

const TODAY = '2025-09-15';
const codesOf = (
  idNumber: string,
  options: Parameters<typeof validateResidentId>[1] = { today: TODAY },
) => {
  const result = validateResidentId(idNumber, options);
  return result.ok ? [] : result.issues.map((i) => i.code);
};

describe('resident ID numbers (GB 11643-1999)', () => {
  // Check characters computed by hand: Σ aᵢ·Wᵢ mod 11 indexes "10X98765432".
  it.each([
    ['11010519491231002X', '1949-12-31', 'female', '11'], // GB 11643 example: Σ = 167, 167 mod 11 = 2 -> X
    ['360124199001011238', '1990-01-01', 'male', '36'], // Σ = 213, mod 11 = 4 -> 8
    ['360124200002290027', '2000-02-29', 'female', '36'], // Σ = 203, mod 11 = 5 -> 7
  ])('%s is valid: born %s, %s, province %s', (idNumber, birthDate, sex, provinceCode) => {
    expect(validateResidentId(idNumber, { today: TODAY })).toEqual({
      ok: true,
      identity: { idNumber, regionCode: idNumber.slice(0, 6), provinceCode, birthDate, sex },
    });
  });

  it('the test helper and the production code agree on the check character', () => {
    for (let i = 0; i < 500; i += 1) {
      const first17 = String(11000000000000000 + i * 7919131).padStart(17, '0');
      expect(residentIdCheckCharacter(first17)).toBe(checkCharacterFor(first17));
    }
  });

  it.each([
    ['odd 17th digit', 'male', '1'],
    ['odd 17th digit', 'male', '9'],
    ['even 17th digit', 'female', '0'],
    ['even 17th digit', 'female', '8'],
  ])('an %s means %s (%s)', (_what, sex, digit) => {
    const first17 = `36012419900101${'12'}${digit}`;
    const result = validateResidentId(`${first17}${checkCharacterFor(first17)}`, { today: TODAY });
    expect(result.ok && result.identity.sex).toBe(sex);
  });

  it.each(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'])(
    'refuses 36012419900101123%s unless that is the check character (8)',
    (check) => {
      expect(codesOf(`36012419900101123${check}`)).toEqual(check === '8' ? [] : ['ID_CHECKSUM']);
    },
  );

  it.each([
    ['a wrong check character', withWrongCheckCharacter(residentId()), ['ID_CHECKSUM']],
    ['a digit where X belongs', '110105194912310020', ['ID_CHECKSUM']],
    ['17 digits', '36012419900101123', ['ID_FORMAT']],
    ['19 digits', '3601241990010112380', ['ID_FORMAT']],
    ['the old 15-digit form', '360124900101123', ['ID_FORMAT']],
    ['an empty string', '', ['ID_FORMAT']],
    ['full-width digits', '３６０１２４１９９００１０１１２３８', ['ID_FORMAT']],
    ['a letter in the middle', '36012419900A011238', ['ID_FORMAT']],
    ['X in the middle', '3601241990X1011238', ['ID_FORMAT']],
    ['a space', ' 360124199001011238', ['ID_FORMAT']],
    ['a hyphen', '360124-19900101123', ['ID_FORMAT']],
    ['a lowercase x', '11010519491231002x', ['ID_LOWERCASE_X']],
    ['a lowercase x that is also wrong', '36012419900101123x', ['ID_LOWERCASE_X', 'ID_CHECKSUM']],
  ])('refuses %s', (_what, idNumber, codes) => {
    expect(codesOf(idNumber)).toEqual(codes);
  });

  it.each([
    ['an impossible date', '1999-02-30'],
    ['Feb 29 of a common year', '2023-02-29'],
    ['month 13', '1990-13-01'],
    ['day 0', '1990-01-00'],
    ['before 1900', '1899-12-31'],
    ['after today', '2025-09-16'],
  ])('refuses a birth date that is %s', (_what, birthDate) => {
    expect(codesOf(residentId({ birthDate }))).toEqual(['ID_BIRTH_DATE']);
  });

  it.each(['1900-01-01', '2025-09-15'])('accepts a birth date on %s (a bound)', (birthDate) => {
    expect(codesOf(residentId({ birthDate }))).toEqual([]);
  });

  // GB/T 2260 province level, plus 81/82/83 (residence permits for Hong Kong, Macao, Taiwan residents).
  const provinces =
    '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83';

  it('knows exactly the province-level codes', () => {
    expect(Object.keys(PROVINCE_CODES).join(' ')).toBe(provinces);
  });

  it.each(provinces.split(' '))('accepts province code %s', (province) => {
    expect(codesOf(residentId({ region: `${province}0101` }))).toEqual([]);
  });

  it.each([
    '00',
    '10',
    '16',
    '20',
    '24',
    '30',
    '38',
    '40',
    '47',
    '49',
    '55',
    '60',
    '66',
    '70',
    '72',
    '80',
    '84',
    '90',
    '99',
  ])('refuses province code %s', (province) => {
    expect(codesOf(residentId({ region: `${province}0101` }))).toEqual(['ID_REGION']);
  });

  it('reports every problem at once', () => {
    expect(codesOf('990101199902301230')).toEqual(['ID_REGION', 'ID_BIRTH_DATE', 'ID_CHECKSUM']);
  });

  describe('cross-checked with a declared sex and birth date', () => {
    const id = residentId({ birthDate: '1990-01-01', sex: 'female' });
    it.each<[string, Parameters<typeof validateResidentId>[1], ResidentIdIssueCode[]]>([
      ['agreeing', { today: TODAY, declaredSex: 'female', declaredBirthDate: '1990-01-01' }, []],
      ['another sex', { today: TODAY, declaredSex: 'male' }, ['ID_SEX_MISMATCH']],
      [
        'another birth date',
        { today: TODAY, declaredBirthDate: '1990-01-02' },
        ['ID_BIRTH_DATE_MISMATCH'],
      ],
      [
        'both different',
        { today: TODAY, declaredSex: 'male', declaredBirthDate: '1991-01-01' },
        ['ID_SEX_MISMATCH', 'ID_BIRTH_DATE_MISMATCH'],
      ],
    ])('%s', (_what, options, codes) => {
      expect(codesOf(id, options)).toEqual(codes);
    });
  });
});
