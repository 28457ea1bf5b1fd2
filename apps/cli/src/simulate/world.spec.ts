import { countyShape } from './world';

describe('countyShape', () => {
  it.each([
    [200, { towns: 2, communitiesPerTown: 2 }],
    [2_000, { towns: 4, communitiesPerTown: 2 }],
    [10_000, { towns: 10, communitiesPerTown: 2 }],
    [100_000, { towns: 10, communitiesPerTown: 12 }],
  ])('%i households: %j', (households, shape) => {
    expect(countyShape(households)).toEqual(shape);
  });
});
