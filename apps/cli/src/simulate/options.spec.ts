import { OptionsError, parseOptions } from './options';

describe('parseOptions', () => {
  it('defaults to 200 households, 2 workers and 16 commands in flight per worker', () => {
    expect(parseOptions([], 42)).toEqual({
      households: 200,
      workers: 2,
      concurrency: 32,
      seed: 2025,
      year: 2025,
      database: 'housing_sim_42',
      keep: false,
      profileDir: null,
      synchronousCommit: 'on',
      vacuum: 'auto',
    });
  });

  it('reads flags with a separate or an inline value', () => {
    const o = parseOptions(
      [
        '--households',
        '10000',
        '--workers=3',
        '--seed',
        '7',
        '--keep',
        '--profile',
        'p',
        '--vacuum=off',
      ],
      1,
    );
    expect(o).toMatchObject({
      households: 10_000,
      workers: 3,
      concurrency: 48,
      seed: 7,
      keep: true,
      profileDir: 'p',
      vacuum: 'off',
    });
  });

  it.each([
    [['--households']],
    [['--households', 'many']],
    [['--households', '0']],
    [['--workers', '0']],
    [['--database', 'Bad-Name']],
    [['--frobnicate']],
    [['--synchronous-commit', 'maybe']],
    [['--vacuum', 'nightly']],
  ])('refuses %j', (args) => {
    expect(() => parseOptions(args, 1)).toThrow(OptionsError);
  });
});
