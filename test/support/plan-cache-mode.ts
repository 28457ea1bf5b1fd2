import { QueryRunner } from 'typeorm';

/** The plan_cache_mode of `on`'s connection (and transaction) now. */
export async function planCacheMode(on: QueryRunner): Promise<string> {
  const [{ plan_cache_mode }]: { plan_cache_mode: string }[] =
    await on.query(`SHOW plan_cache_mode`);
  return plan_cache_mode;
}
