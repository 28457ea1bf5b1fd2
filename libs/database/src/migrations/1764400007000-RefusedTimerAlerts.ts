import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert about a timer names it (`timer_id`), and a timer is alerted about
 * at most once: a refused timer is retried until its cause is put right (the
 * reconcile every few minutes, two deliveries of one job at once after a lost
 * lock), and each refusal would otherwise add a row. The unique index makes
 * "once" hold under concurrency, where a check before the insert would not.
 * Overdue alerts name no timer and keep their own key.
 */
export class RefusedTimerAlerts1764400007000 implements MigrationInterface {
  name = 'RefusedTimerAlerts1764400007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN timer_id varchar(120)`);
    await q.query(`
      CREATE UNIQUE INDEX alerts_timer_once_idx ON alerts (kind, timer_id)
       WHERE timer_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_timer_once_idx`);
    await q.query(`ALTER TABLE alerts DROP COLUMN timer_id`);
  }
}
