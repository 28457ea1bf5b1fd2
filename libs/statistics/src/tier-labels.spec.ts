import { areaTierLabel, formatCoefficient, incomeTierLabel } from './tier-labels';

describe('tier labels as the notice writes them', () => {
  it.each([
    [30, '0.3以下'],
    [40, '0.4以下'],
    [90, '0.9以下'],
    [100, '1.0以下'],
    [35, '0.35以下'],
    [5, '0.05以下'],
  ])('income tier %p is %p', (hundredths, label) => {
    expect(incomeTierLabel(hundredths)).toBe(label);
  });

  it.each([
    ['none', '无房户'],
    [500, '5平方米以下'],
    [1000, '10平方米以下'],
    [550, '5.5平方米以下'],
    [525, '5.25平方米以下'],
    [1001, '10.01平方米以下'],
  ] as const)('area tier %p is %p', (tier, label) => {
    expect(areaTierLabel(tier)).toBe(label);
  });

  it('writes every coefficient of the notice with one decimal', () => {
    expect([30, 40, 50, 60, 70, 80, 90, 100].map(formatCoefficient)).toEqual([
      '0.3',
      '0.4',
      '0.5',
      '0.6',
      '0.7',
      '0.8',
      '0.9',
      '1.0',
    ]);
  });
});
