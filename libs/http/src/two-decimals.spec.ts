import { hasAtMostTwoDecimals, toHundredths } from './two-decimals';

describe('two-decimal numbers of the contract', () => {
  it.each([0, 1, 12.3, 12.34, 0.01, 30.03, 99999999.99])('accepts %p', (n) => {
    expect(hasAtMostTwoDecimals(n)).toBe(true);
  });

  it.each([12.345, 0.001, -1, -0.01, NaN, Infinity, 1e21, 1e-7, '12.34', null])(
    'refuses %p',
    (n) => {
      expect(hasAtMostTwoDecimals(n)).toBe(false);
    },
  );

  it.each([
    [12.34, 1234],
    [0.29, 29],
    [1.1, 110],
    [30.03, 3003],
    [0.3, 30],
    [4.35, 435],
    [99999999.99, 9999999999],
  ])('converts %p exactly to %p hundredths', (n, hundredths) => {
    expect(toHundredths(n)).toBe(hundredths);
  });
});
