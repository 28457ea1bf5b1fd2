import {
  centiToSquareMetres,
  checkedAdd,
  checkedMul,
  checkedSum,
  divideRoundHalfUp,
  fenToYuan,
  formatSquareMetres,
  formatYuan,
  hundredthsToCoefficient,
  MAX_AREA_CENTI,
  MAX_MONEY_FEN,
  parseCoefficientToHundredths,
  parseSquareMetresToCenti,
  parseYuanToFen,
  UnsafeIntegerError,
} from '.';

describe('parseYuanToFen', () => {
  it.each([
    [0, 0],
    [-0, 0],
    [0.01, 1],
    [0.1, 10],
    [0.29, 29], // 0.29 * 100 = 28.999999999999996
    [1.15, 115], // 1.15 * 100 = 114.99999999999999
    [4.35, 435], // 4.35 * 100 = 434.99999999999994
    [12.34, 1234],
    [19999.99, 1999999],
    [20000, 2000000],
    [99999999.99, 9999999999],
    [100000000, MAX_MONEY_FEN],
  ])('reads %p yuan exactly as %p fen', (yuan, fen) => {
    expect(parseYuanToFen(yuan)).toEqual({ ok: true, value: fen });
  });

  it.each([
    [-0.01, 'NEGATIVE'],
    [-1, 'NEGATIVE'],
    [Number.NaN, 'NOT_A_NUMBER'],
    [Number.POSITIVE_INFINITY, 'NOT_FINITE'],
    [Number.NEGATIVE_INFINITY, 'NOT_FINITE'],
    [12.345, 'TOO_MANY_DECIMALS'],
    [0.001, 'TOO_MANY_DECIMALS'],
    [1e-7, 'TOO_MANY_DECIMALS'],
    [0.1 + 0.2, 'TOO_MANY_DECIMALS'],
    [100000000.01, 'TOO_LARGE'],
    [1e21, 'TOO_LARGE'],
    ['12.34', 'NOT_A_NUMBER'],
    [null, 'NOT_A_NUMBER'],
    [undefined, 'NOT_A_NUMBER'],
  ])('refuses %p (%s) with INVALID_MONEY', (yuan, reason) => {
    const result = parseYuanToFen(yuan);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'INVALID_MONEY', reason });
  });
});

describe('parseSquareMetresToCenti', () => {
  it.each([
    [0, 0],
    [0.01, 1],
    [10, 1000],
    [10.01, 1001],
    [30.03, 3003],
    [58.66, 5866], // 58.66 * 100 = 5865.999999999999
    [100000, MAX_AREA_CENTI],
  ])('reads %p m² exactly as %p centi-m²', (m2, centi) => {
    expect(parseSquareMetresToCenti(m2)).toEqual({ ok: true, value: centi });
  });

  it.each([
    [-0.01, 'NEGATIVE'],
    [Number.NaN, 'NOT_A_NUMBER'],
    [Number.POSITIVE_INFINITY, 'NOT_FINITE'],
    [10.005, 'TOO_MANY_DECIMALS'],
    [100000.01, 'TOO_LARGE'],
  ])('refuses %p (%s) with INVALID_AREA', (m2, reason) => {
    const result = parseSquareMetresToCenti(m2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'INVALID_AREA', reason });
  });
});

describe('parseCoefficientToHundredths', () => {
  it.each([
    [0.3, 30],
    [0.35, 35],
    [1, 100],
  ])('reads %p as %p hundredths', (c, h) => {
    expect(parseCoefficientToHundredths(c)).toEqual({ ok: true, value: h });
  });

  it.each([1.01, 0.333, -0.1])('refuses %p with INVALID_COEFFICIENT', (c) => {
    const result = parseCoefficientToHundredths(c);
    expect(result.ok ? null : result.error.code).toBe('INVALID_COEFFICIENT');
  });
});

describe('back to JSON numbers', () => {
  it('fen amounts round-trip through fenToYuan and parseYuanToFen unchanged', () => {
    const samples = [
      ...Array(100_000).keys(),
      ...Array.from({ length: 10_000 }, (_, i) => MAX_MONEY_FEN - i * 999_983),
    ];
    const broken = samples.filter((fen) => {
      const parsed = parseYuanToFen(fenToYuan(fen));
      return (
        !parsed.ok ||
        parsed.value !== fen ||
        String(fenToYuan(fen)) !== String(Number(formatYuan(fen)))
      );
    });
    expect(broken).toEqual([]);
  });

  it.each([
    [1234, 12.34, '12.34'],
    [5, 0.05, '0.05'],
    [100, 1, '1.00'],
    [MAX_MONEY_FEN, 100000000, '100000000.00'],
  ])('%p fen is %p yuan, written %s', (fen, yuan, text) => {
    expect(fenToYuan(fen)).toBe(yuan);
    expect(formatYuan(fen)).toBe(text);
  });

  it('formats areas and coefficients', () => {
    expect(centiToSquareMetres(3003)).toBe(30.03);
    expect(formatSquareMetres(1000)).toBe('10.00');
    expect(hundredthsToCoefficient(30)).toBe(0.3);
    expect(hundredthsToCoefficient(100)).toBe(1);
  });

  it('refuses to convert a non-integer', () => {
    expect(() => fenToYuan(12.5)).toThrow(RangeError);
  });
});

describe('checked arithmetic', () => {
  it('adds, multiplies and sums safe integers', () => {
    expect(checkedAdd(2, 3)).toBe(5);
    expect(checkedMul(100, MAX_MONEY_FEN, 20)).toBe(2e13);
    expect(checkedSum([1, 2, 3])).toBe(6);
    expect(checkedSum([])).toBe(0);
  });

  it.each([
    ['a sum past 2^53', () => checkedAdd(Number.MAX_SAFE_INTEGER, 1)],
    ['a product past 2^53', () => checkedMul(MAX_MONEY_FEN, MAX_MONEY_FEN)],
    ['a fractional operand', () => checkedMul(1.5, 2)],
  ])('throws UnsafeIntegerError for %s', (_name, compute) => {
    expect(compute).toThrow(UnsafeIntegerError);
  });
});

describe('divideRoundHalfUp (display only)', () => {
  it.each([
    [3001, 3, 1000], // 1000.33 -> 1000
    [3002, 3, 1001], // 1000.67 -> 1001
    [1, 2, 1], // 0.5 -> 1: half up
    [3, 2, 2], // 1.5 -> 2
    [5, 4, 1], // 1.25 -> 1
    [0, 7, 0],
    [Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER],
  ])('%p / %p rounds to %p', (n, d, q) => {
    expect(divideRoundHalfUp(n, d)).toBe(q);
  });

  it('refuses a zero divisor and negative numerators', () => {
    expect(() => divideRoundHalfUp(1, 0)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(-1, 2)).toThrow(RangeError);
  });
});
