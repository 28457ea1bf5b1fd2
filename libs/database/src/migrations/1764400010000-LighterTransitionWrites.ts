import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Less index and compression work in every transition's writes.
 *
 * - **The application's UPDATE can be HOT.** A transition changes the row's
 *   status, which was the second column of `applications_campaign_status_idx`:
 *   every update then wrote a new entry into each of the table's five
 *   indexes. The index is now on the campaign alone (lists go by region
 *   path), and the approved households, which statistics and registers read
 *   by campaign, have an index of their own on `approved_at`, which only the
 *   final approval sets (with the archive number, in an update that cannot be
 *   HOT anyway). Its predicate is not the status: a column an index's
 *   predicate reads counts as indexed, and would stop every update being HOT.
 *   A HOT update also needs room on the row's page: the table keeps a fifth
 *   of each page free (rows are 1–3 kB, the household inline), and the old
 *   versions a page collects are pruned when it is next read, without vacuum.
 *   Rows written before this migration keep their full pages until updated.
 * - **The recorded answer is compressed with lz4** when the server was built
 *   with it (most packages are). A command's answer is the application's view,
 *   3–4 kB of JSON: PostgreSQL compresses it on every insert, and lz4 costs a
 *   fraction of the default pglz's CPU. Values stored before keep pglz; both
 *   read the same.
 *
 * Creating the indexes blocks writes to `applications` for the seconds it
 * takes, and dropping the old one blocks reads as well (and waits for a
 * register being copied): run it outside a season's working hours.
 */
export class LighterTransitionWrites1764400010000 implements MigrationInterface {
  name = 'LighterTransitionWrites1764400010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX applications_campaign_idx ON applications (campaign_id)`);
    await q.query(
      `CREATE INDEX applications_approved_idx ON applications (campaign_id)
        WHERE approved_at IS NOT NULL`,
    );
    await q.query(`DROP INDEX applications_campaign_status_idx`);
    await q.query(`ALTER TABLE applications SET (fillfactor = 80)`);
    if (await lz4Available(q))
      await q.query(`ALTER TABLE command_results ALTER COLUMN body SET COMPRESSION lz4`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (await lz4Available(q))
      await q.query(`ALTER TABLE command_results ALTER COLUMN body SET COMPRESSION default`);
    await q.query(`ALTER TABLE applications RESET (fillfactor)`);
    await q.query(
      `CREATE INDEX applications_campaign_status_idx ON applications (campaign_id, status)`,
    );
    await q.query(`DROP INDEX applications_approved_idx`);
    await q.query(`DROP INDEX applications_campaign_idx`);
  }
}

/** Whether the server can compress with lz4 (built `--with-lz4`): it is then a value of this setting. */
async function lz4Available(q: QueryRunner): Promise<boolean> {
  const rows = (await q.query(
    `SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`,
  )) as unknown[];
  return rows.length > 0;
}
