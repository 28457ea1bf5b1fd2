import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert is acknowledged by the reviewer or administrator it was raised to,
 * once: who, when (`acknowledged_at` was there from the start, unused) and a
 * note of what was done about it. All three or none, so that a half-written
 * acknowledgement cannot exist. The open alerts of a level are
 * what its reviewers work through: they are found by a partial index.
 */
export class AlertAcknowledgement1764400008000 implements MigrationInterface {
  name = 'AlertAcknowledgement1764400008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alerts
        ADD COLUMN acknowledged_by uuid REFERENCES users (id),
        ADD COLUMN acknowledgement_note text,
        ADD CONSTRAINT alerts_acknowledged_whole
          CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
        ADD CONSTRAINT alerts_note_with_acknowledgement
          CHECK ((acknowledged_at IS NULL) = (acknowledgement_note IS NULL))`);
    await q.query(`
      CREATE INDEX alerts_open_idx ON alerts (to_level, created_at DESC)
       WHERE acknowledged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_open_idx`);
    // Without its acknowledger an acknowledgement is half a one: up again must find none.
    await q.query(`UPDATE alerts SET acknowledged_at = NULL WHERE acknowledged_at IS NOT NULL`);
    await q.query(`
      ALTER TABLE alerts
        DROP CONSTRAINT alerts_note_with_acknowledgement,
        DROP CONSTRAINT alerts_acknowledged_whole,
        DROP COLUMN acknowledgement_note,
        DROP COLUMN acknowledged_by`);
  }
}
