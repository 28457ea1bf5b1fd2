export interface SimulationOptions {
  /** Households generated (every one gets an applicant account and a draft). */
  households: number;
  /** Worker processes spawned (`node dist/apps/worker/src/main.js`). */
  workers: number;
  /** Commands in flight at once from the simulator. */
  concurrency: number;
  seed: number;
  /** The survey year: the campaign takes the notice's dates of that year. */
  year: number;
  /** Scratch database, created and dropped by the run. */
  database: string;
  /** Keep the scratch database and Redis keys for inspection. */
  keep: boolean;
  /** Directory for the workers' CPU profiles and query timings; none when absent. */
  profileDir: string | null;
  /**
   * An experiment: `off` sets synchronous_commit off on the scratch database
   * only, to measure what waiting for the WAL flush at each commit costs.
   */
  synchronousCommit: 'on' | 'off';
  /**
   * `auto`: when the server runs without autovacuum, the simulator vacuums and
   * analyses the scratch database each simulated night in its stead
   * (`StandInVacuum`); `off`: never, to see a season on tables nothing cleans.
   */
  vacuum: 'auto' | 'off';
}

export const USAGE = `usage: simulate [--households N] [--workers K] [--concurrency C] [--seed S]
                [--year YYYY] [--database NAME] [--keep] [--profile DIR]
                [--synchronous-commit on|off] [--vacuum auto|off]
  --households N    households in the season (default 200)
  --workers K       worker processes (default 2)
  --concurrency C   commands in flight at once (default 16 per worker)
  --seed S          seed of the generated county and season (default 2025)
  --year YYYY       survey year; its calendar must be known (default 2025)
  --database NAME   scratch database (default housing_sim_<pid>), dropped at the end
  --keep            keep the scratch database and Redis keys
  --profile DIR     write each worker's CPU profile and query timings to DIR
  --synchronous-commit off
                    experiment: commits of the scratch database do not wait for the WAL flush
  --vacuum off      never vacuum; by default (auto) the simulator vacuums and analyses
                    each night when the server's autovacuum is off`;

export class OptionsError extends Error {}

const INTEGER_FLAGS = {
  '--households': 'households',
  '--workers': 'workers',
  '--concurrency': 'concurrency',
  '--seed': 'seed',
  '--year': 'year',
} as const;

/** Parses the command line after `simulate`; throws OptionsError (with the usage) on anything unknown. */
export function parseOptions(args: readonly string[], pid: number): SimulationOptions {
  const found: Partial<Record<(typeof INTEGER_FLAGS)[keyof typeof INTEGER_FLAGS], number>> = {};
  let database: string | undefined;
  let keep = false;
  let profileDir: string | null = null;
  let synchronousCommit: 'on' | 'off' = 'on';
  let vacuum: 'auto' | 'off' = 'auto';
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new OptionsError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag in INTEGER_FLAGS) {
      const raw = value();
      if (!/^\d+$/.test(raw)) throw new OptionsError(`${flag} must be a whole number, not ${raw}`);
      found[INTEGER_FLAGS[flag as keyof typeof INTEGER_FLAGS]] = Number(raw);
    } else if (flag === '--database') {
      database = value();
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database))
        throw new OptionsError(`--database must be lowercase letters, digits and _`);
    } else if (flag === '--keep') {
      keep = true;
    } else if (flag === '--profile') {
      profileDir = value();
    } else if (flag === '--synchronous-commit') {
      const v = value();
      if (v !== 'on' && v !== 'off') throw new OptionsError('--synchronous-commit is on or off');
      synchronousCommit = v;
    } else if (flag === '--vacuum') {
      const v = value();
      if (v !== 'auto' && v !== 'off') throw new OptionsError('--vacuum is auto or off');
      vacuum = v;
    } else {
      throw new OptionsError(`unknown argument ${args[i]}\n${USAGE}`);
    }
  }
  const workers = found.workers ?? 2;
  const options: SimulationOptions = {
    households: found.households ?? 200,
    workers,
    concurrency: found.concurrency ?? 16 * workers,
    seed: found.seed ?? 2025,
    year: found.year ?? 2025,
    database: database ?? `housing_sim_${pid}`,
    keep,
    profileDir,
    synchronousCommit,
    vacuum,
  };
  if (options.households < 1) throw new OptionsError('--households must be at least 1');
  if (options.workers < 1 || options.workers > 32)
    throw new OptionsError('--workers must be 1 to 32');
  if (options.concurrency < 1) throw new OptionsError('--concurrency must be at least 1');
  return options;
}
