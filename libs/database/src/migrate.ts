import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { CONNECTION_NAMES, dataSourceOptions } from './data-source-options';

/** Applies every pending migration; returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(config, CONNECTION_NAMES.migrate));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
