import { householdIncomeFen, INCOME_SOURCES, validateMemberIncome, type IncomeSource } from '.';
import { MAX_MONEY_FEN } from '../units';

const member = (incomeSource: IncomeSource, annualIncomeFen: number) => ({
  idNumber: 'x',
  incomeSource,
  annualIncomeFen,
});
const codes = (incomeSource: IncomeSource, fen: number) =>
  validateMemberIncome(member(incomeSource, fen), 'members[0]').map((e) => e.code);

describe('income', () => {
  const withIncome = INCOME_SOURCES.filter((s) => s !== 'none');

  it.each(withIncome)('a member with source %s may declare an income, or none', (source) => {
    expect(codes(source, 1_234_567)).toEqual([]);
    expect(codes(source, 0)).toEqual([]);
  });

  it('a member with no income source (a minor, a student) declares 0', () => {
    expect(codes('none', 0)).toEqual([]);
  });

  it.each([1, 100, 1_000_000])(
    'a member with no income source declaring %p fen is refused',
    (fen) => {
      expect(codes('none', fen)).toEqual(['INCOME_WITH_SOURCE_NONE']);
    },
  );

  it.each([
    ['the maximum', MAX_MONEY_FEN, []],
    ['one fen above the maximum', MAX_MONEY_FEN + 1, ['INVALID_MONEY']],
    ['a negative amount', -1, ['INVALID_MONEY']],
    ['a fraction of a fen', 10.5, ['INVALID_MONEY']],
    ['NaN', Number.NaN, ['INVALID_MONEY']],
  ])('%s', (_what, fen, expected) => {
    expect(codes('employed', fen)).toEqual(expected);
  });

  it('household income is the sum of the members’ annual incomes, exactly', () => {
    expect(
      householdIncomeFen([
        { annualIncomeFen: 1 },
        { annualIncomeFen: 2 },
        { annualIncomeFen: 1_999_997 },
      ]),
    ).toBe(2_000_000);
    expect(householdIncomeFen([{ annualIncomeFen: 0 }])).toBe(0);
  });
});
