import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsTwoDecimalNumber } from './two-decimals';

class Body {
  @IsTwoDecimalNumber({ min: 0.01, max: 1000 })
  amount!: unknown;
}

const valid = (amount: unknown): boolean =>
  validateSync(plainToInstance(Body, { amount })).length === 0;

describe('IsTwoDecimalNumber', () => {
  it.each([0.01, 1, 12.3, 12.34, 30.03, 1000])('accepts %p', (n) => {
    expect(valid(n)).toBe(true);
  });

  it.each([0, 12.345, 0.001, -1, NaN, Infinity, 1000.01, 1e21, 1e-7, '12.34', null, [1]])(
    'refuses %p',
    (n) => {
      expect(valid(n)).toBe(false);
    },
  );
});
