import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccessModule } from '@app/access';
import { CampaignsModule } from '@app/campaigns';
import { loadConfig } from '@app/config';
import { CoreModule } from '@app/core';
import { CONNECTION_NAMES, runMigrations } from '@app/database';
import { RegionsModule } from '@app/regions';
import { ensureDatabaseExists } from './create-database';
import { seedDemo } from './seed-demo';
import { simulate } from './simulate/simulate';

const USAGE = 'usage: cli migrate | seed-demo | simulate [--households N] [--workers K] [--help]';

/** Operations commands: `migrate` (creates the database if needed), `seed-demo` and `simulate`. */
async function main(command: string | undefined): Promise<void> {
  const config = loadConfig();
  if (command === 'migrate') {
    if (await ensureDatabaseExists(config.databaseUrl)) console.log('created the database');
    const applied = await runMigrations(config);
    console.log(
      applied.length ? `applied migrations: ${applied.join(', ')}` : 'schema is up to date',
    );
    return;
  }
  if (command === 'seed-demo') {
    // The seed sets the demo's manual clock itself; it must not start one.
    const seedConfig = Object.freeze({ ...config, clock: 'system' as const });
    @Module({
      imports: [
        CoreModule.forRoot(seedConfig, CONNECTION_NAMES.seedDemo),
        AccessModule,
        RegionsModule,
        CampaignsModule,
      ],
    })
    class SeedModule {}
    const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error'] });
    try {
      const lines = await seedDemo(app);
      console.log(['demo data:', ...lines.map((l) => `  ${l}`)].join('\n'));
    } finally {
      await app.close();
    }
    return;
  }
  if (command === 'simulate') {
    // A season in a scratch database and Redis prefix of its own (apps/cli/src/simulate).
    if (!(await simulate(config, process.argv.slice(3)))) process.exitCode = 1;
    return;
  }
  throw new Error(USAGE);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
