import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per login, denial, state change and admin change.
 * Append-only (a trigger refuses UPDATE and DELETE); no foreign keys, so a
 * record never holds up or disappears with what it is about. `at` is the
 * database's time, not the service's clock: a manual clock moves the survey's
 * time, while the trail says when things really happened. `job_id` is unique:
 * a transition job can leave at most one record.
 */
export class Audit1764400003000 implements MigrationInterface {
  name = 'Audit1764400003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        action varchar(48) NOT NULL CHECK (action ~ '^[a-z_]+(\\.[a-z_]+)+$'),
        outcome varchar(16) NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'denied')),
        actor_id uuid,
        actor_role varchar(24),
        target_type varchar(24),
        target_id varchar(64),
        request_id varchar(64),
        ip varchar(64),
        job_id varchar(160) UNIQUE,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT audit_log_detail_small CHECK (
          jsonb_typeof(detail) = 'object' AND octet_length(detail::text) <= 2048),
        CONSTRAINT audit_log_actor_whole CHECK ((actor_id IS NULL) = (actor_role IS NULL)),
        CONSTRAINT audit_log_target_whole CHECK ((target_type IS NULL) = (target_id IS NULL))
      )`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, id)`);
    await q.query(
      `CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
