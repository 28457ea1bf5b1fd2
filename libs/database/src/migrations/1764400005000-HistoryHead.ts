import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The head of each application's history chain, kept on the application row
 * in the transaction that appends to the chain. A chain verifies on its own
 * only up to its last entry; against the head, entries cut off its end, or a
 * chain recomputed as a whole, show. And the history becomes append-only in
 * the database itself, not only by the service's habit.
 */
export class HistoryHead1764400005000 implements MigrationInterface {
  name = 'HistoryHead1764400005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications
      ADD COLUMN history_length integer NOT NULL DEFAULT 0 CHECK (history_length >= 0),
      ADD COLUMN history_head char(64)`);
    await q.query(`
      UPDATE applications a SET history_length = h.seq, history_head = h.hash
        FROM (SELECT DISTINCT ON (application_id) application_id, seq, hash
                FROM application_history ORDER BY application_id, seq DESC) h
       WHERE a.id = h.application_id`);
    // Nothing in the service changes or removes an entry; the database refuses to as well.
    await q.query(`
      CREATE FUNCTION application_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'application_history is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER application_history_append_only BEFORE UPDATE OR DELETE ON application_history
        FOR EACH ROW EXECUTE FUNCTION application_history_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER application_history_append_only ON application_history`);
    await q.query(`DROP FUNCTION application_history_append_only()`);
    await q.query(`ALTER TABLE applications DROP COLUMN history_length, DROP COLUMN history_head`);
  }
}
