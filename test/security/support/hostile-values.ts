import { residentId, withWrongCheckCharacter } from '../../../libs/domain/src/testing/resident-ids';

/**
 * Invalid values for each kind of field the write routes take. Every value
 * here must be refused for a field of its kind: a mutation that happened to be
 * valid would be a wrong test, not a finding. (A password may hold any
 * character, so control characters are no mutation of it; a list that may be
 * empty is not mutated to []; an optional field is not mutated to null.)
 */

const VALID_ID = residentId({ birthDate: '1980-03-15', order: 12 });

/** JSON text written as is: what JSON.stringify cannot produce (1e309, -0, keys named __proto__). */
export class Raw {
  constructor(readonly json: string) {}
}
/** Marks a field to be left out of the body. */
export const MISSING = Symbol('missing');

export type Value = unknown;

export type FieldKind =
  | 'username'
  | 'password'
  | 'name'
  | 'loginText'
  | 'idNumber'
  | 'shortText'
  | 'phone'
  | 'contactPhone'
  | 'uuid'
  | 'date'
  | 'instant'
  | 'enum'
  | 'regionCode'
  | 'text'
  | 'multiline'
  | 'money'
  | 'area'
  | 'coefficient'
  | 'days'
  | 'bool'
  | 'list'
  | 'object';

export interface FieldSpec {
  /** Where in the body: ['members', 0, 'idNumber']. */
  path: (string | number)[];
  kind: FieldKind;
  optional?: boolean;
  /** The longest valid string, for the overlong mutation. */
  max?: number;
  /** A list that may be empty. */
  mayBeEmpty?: boolean;
  /** An element of the list, for the oversized-list mutation. */
  element?: Value;
  /** The list's size limit. */
  maxItems?: number;
}

export interface Mutation {
  label: string;
  value: Value;
}

const FULL_WIDTH = (digits: string): string =>
  [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');

const NOT_A_STRING: Mutation[] = [
  { label: 'a number', value: 123 },
  { label: 'a boolean', value: true },
  { label: '1e309 (Infinity in JSON)', value: new Raw('1e309') },
  { label: 'an empty array', value: [] },
  { label: 'an array of one string', value: ['x'] },
  { label: 'an object', value: {} },
  { label: 'a query operator object', value: { $gt: '' } },
];

const NOT_A_NUMBER: Mutation[] = [
  { label: 'a numeric string', value: '12' },
  { label: '"NaN"', value: 'NaN' },
  { label: '"Infinity"', value: 'Infinity' },
  { label: '"-Infinity"', value: '-Infinity' },
  { label: '"1e309"', value: '1e309' },
  { label: '1e309', value: new Raw('1e309') },
  { label: '-1e309', value: new Raw('-1e309') },
  { label: 'a boolean', value: true },
  { label: 'an empty array', value: [] },
  { label: 'an array of one number', value: [1] },
  { label: 'an object', value: {} },
  { label: '"1,000"', value: '1,000' },
  { label: '1e21', value: 1e21 },
];

const CONTROL: Mutation[] = [
  { label: 'a NUL character', value: 'ab\u0000cd' },
  { label: 'an ANSI escape', value: 'ab\u001b[31mcd' },
  { label: 'a DEL character', value: 'ab\u007fcd' },
];

const overlong = (max = 200): Mutation => ({
  label: `${max * 5 + 1} characters`,
  value: 'x'.repeat(max * 5 + 1),
});

function kindValues(field: FieldSpec): Mutation[] {
  const empty: Mutation = { label: 'an empty string', value: '' };
  switch (field.kind) {
    case 'username':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'two characters', value: 'ab' },
        { label: '33 characters', value: 'a'.repeat(33) },
        { label: 'a path', value: '../../etc/passwd' },
        { label: 'a space', value: 'zhang san' },
        { label: 'Cyrillic letters', value: 'админ' },
        { label: 'full-width letters', value: 'ｒｏｏｔ' },
      ];
    case 'password':
      return [
        empty,
        ...NOT_A_STRING,
        { label: 'seven characters', value: 'passwor' },
        { label: '129 characters', value: 'p'.repeat(129) },
      ];
    case 'loginText':
      return [empty, ...NOT_A_STRING, ...CONTROL, overlong(field.max)];
    case 'name':
    case 'shortText':
    case 'text':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'a line break', value: '张\n三' },
        { label: 'a tab', value: '张\t三' },
        overlong(field.max),
        ...(field.kind === 'name' ? [{ label: 'leading spaces', value: '  张三' }] : []),
      ];
    case 'multiline':
      return [empty, ...NOT_A_STRING, ...CONTROL, overlong(field.max)];
    case 'idNumber':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'a wrong check character', value: withWrongCheckCharacter(VALID_ID) },
        { label: '17 digits', value: '36012419800315123' },
        { label: '19 digits', value: '3601241980031512345' },
        { label: 'full-width digits', value: FULL_WIDTH('36012419800315123') + 'X' },
        { label: 'a lowercase x', value: '11010519491231002x' },
        { label: 'spaces inside', value: '360124 19800315 1234' },
        { label: 'region code 00', value: '000000198003151234' },
        { label: 'a birth date that does not exist', value: '360124198002301234' },
        { label: 'a birth date in the future', value: '360124209901011234' },
        { label: '15 digits (the old format)', value: '360124800315123' },
        { label: 'a SQL fragment', value: "1' OR '1'='1" },
        overlong(32),
      ];
    case 'phone':
    case 'contactPhone':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'full-width digits', value: FULL_WIDTH('13800138000') },
        { label: 'letters', value: 'call-me-maybe' },
        { label: '30 digits', value: '1'.repeat(30) },
        ...(field.kind === 'phone' ? [{ label: 'ten digits', value: '1380013800' }] : []),
      ];
    case 'uuid':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'not a UUID', value: 'not-a-uuid' },
        { label: 'a UUID with a trailing space', value: '6f1c2b1e-9a7d-4c1b-8f3e-2d4a5b6c7d8e ' },
        {
          label: 'a UUID with full-width digits',
          value: FULL_WIDTH('6') + 'f1c2b1e-9a7d-4c1b-8f3e-2d4a5b6c7d8e',
        },
        { label: 'a SQL fragment', value: "' OR 1=1 --" },
        overlong(36),
      ];
    case 'date':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'an instant', value: '2025-09-01T00:00:00Z' },
        { label: 'slashes', value: '2025/09/01' },
        {
          label: 'full-width digits',
          value: `${FULL_WIDTH('2025')}-${FULL_WIDTH('09')}-${FULL_WIDTH('01')}`,
        },
        { label: 'a five-digit year', value: '20251-09-01' },
        { label: 'Chinese', value: '2025年9月1日' },
      ];
    case 'instant':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'no offset', value: '2025-09-01T09:00:00' },
        { label: 'a date only', value: '2025-09-01' },
        { label: 'month 13', value: '2025-13-01T00:00:00+08:00' },
        { label: 'hour 25', value: '2025-09-01T25:00:00+08:00' },
        { label: 'a word', value: 'now' },
        { label: 'a year far behind', value: '1970-01-01T00:00:00Z' },
      ];
    case 'enum':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'upper case', value: 'ADMIN' },
        { label: 'a trailing space', value: 'approve ' },
        { label: 'a word of no enum', value: 'superuser' },
      ];
    case 'regionCode':
      return [
        empty,
        ...NOT_A_STRING,
        ...CONTROL,
        { label: 'a space', value: '3601 24' },
        { label: '33 characters', value: 'A'.repeat(33) },
        { label: 'Chinese', value: '进贤县' },
      ];
    case 'money':
    case 'area':
    case 'coefficient': {
      const [tooSmall, tooPrecise, tooLarge] = {
        money: [-0.01, 12.345, 100_000_000.01],
        area: [0, 30.005, 100_000.01],
        coefficient: [0, 0.305, 1.01],
      }[field.kind];
      return [
        ...NOT_A_NUMBER,
        { label: `${tooSmall}`, value: tooSmall },
        { label: `${tooPrecise} (three decimals)`, value: tooPrecise },
        { label: `${tooLarge}`, value: tooLarge },
        { label: '-1', value: -1 },
        { label: '0.1 + 0.2', value: 0.1 + 0.2 },
        { label: '1e-7', value: 1e-7 },
        { label: 'a huge exponent as text', value: new Raw('1e400') },
      ];
    }
    case 'days':
      return [
        ...NOT_A_NUMBER,
        { label: '0', value: 0 },
        { label: '61', value: 61 },
        { label: '1.5', value: 1.5 },
        { label: '-1', value: -1 },
      ];
    case 'bool':
      return [
        { label: '"true"', value: 'true' },
        { label: '"false"', value: 'false' },
        { label: '1', value: 1 },
        { label: '0', value: 0 },
        { label: 'an empty array', value: [] },
        { label: 'an object', value: {} },
        { label: '"yes"', value: 'yes' },
      ];
    case 'list':
      return [
        { label: 'a string', value: 'x' },
        { label: 'a number', value: 123 },
        { label: 'an object', value: {} },
        { label: 'a list of null', value: [null] },
        { label: 'a list of lists', value: [[]] },
        { label: 'a list of strings', value: ['x'] },
        ...(field.mayBeEmpty ? [] : [{ label: 'an empty list', value: [] }]),
        {
          label: `${(field.maxItems ?? 20) + 1} elements`,
          value: Array.from({ length: (field.maxItems ?? 20) + 1 }, () => field.element ?? 1),
        },
        { label: '50,000 elements', value: Array.from({ length: 50_000 }, () => 0) },
      ];
    case 'object':
      return [
        { label: 'a string', value: 'x' },
        { label: 'a number', value: 123 },
        { label: 'a list', value: [] },
        { label: 'a boolean', value: true },
        { label: 'an object with an unknown field', value: { sneaky: true } },
      ];
  }
}

/** Every mutation of one field: its kind's invalid values, null and absence when it is required. */
export function fieldMutations(field: FieldSpec): Mutation[] {
  const required: Mutation[] = field.optional
    ? []
    : [
        { label: 'missing', value: MISSING },
        { label: 'null', value: null },
      ];
  return [...required, ...kindValues(field)];
}
