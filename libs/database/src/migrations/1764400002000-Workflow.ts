import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review workflow's durable state. PostgreSQL is the truth: the history
 * chain, every timer with its due instant (Redis only carries delayed jobs that
 * can be rebuilt from here), public notices and objections, alerts, the outbox,
 * and the recorded outcome of every command (a job run twice finds it here).
 */
export class Workflow1764400002000 implements MigrationInterface {
  name = 'Workflow1764400002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE applications
      ADD COLUMN overdue_since timestamptz,
      ADD COLUMN notice_waiting boolean NOT NULL DEFAULT false,
      ADD COLUMN approved_at timestamptz,
      ADD COLUMN approval_snapshot jsonb`);

    await q.query(`
      CREATE TABLE application_history (
        application_id uuid NOT NULL REFERENCES applications (id),
        seq integer NOT NULL CHECK (seq > 0),
        type varchar(32) NOT NULL,
        from_status varchar(24),
        to_status varchar(24),
        actor_id uuid,
        actor_name varchar(50) NOT NULL,
        actor_role varchar(24) NOT NULL,
        opinion text,
        signature varchar(50),
        corrections jsonb,
        at timestamptz NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        PRIMARY KEY (application_id, seq)
      )`);

    await q.query(`
      CREATE TABLE timers (
        id varchar(120) PRIMARY KEY,
        application_id uuid NOT NULL REFERENCES applications (id),
        kind varchar(24) NOT NULL CHECK (kind IN ('review_deadline', 'notice_end')),
        level varchar(16) NOT NULL,
        due_at timestamptz NOT NULL,
        fired_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX timers_pending_idx ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL`,
    );
    await q.query(`CREATE INDEX timers_application_idx ON timers (application_id)`);

    await q.query(`CREATE SEQUENCE notice_serial_seq`);
    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        serial bigint NOT NULL UNIQUE DEFAULT nextval('notice_serial_seq'),
        application_id uuid NOT NULL REFERENCES applications (id),
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        level varchar(16) NOT NULL,
        region_path text NOT NULL,
        community_name varchar(100) NOT NULL,
        masked_name varchar(60) NOT NULL,
        persons smallint NOT NULL,
        per_capita_area_centi integer NOT NULL,
        income_tier smallint,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        closed_at timestamptz,
        outcome varchar(16)
      )`);
    await q.query(
      `CREATE INDEX notices_board_idx ON notices (campaign_id, level, starts_at) WHERE closed_at IS NULL`,
    );
    await q.query(`CREATE INDEX notices_application_idx ON notices (application_id)`);

    await q.query(`
      CREATE TABLE objections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notice_id uuid NOT NULL REFERENCES notices (id),
        application_id uuid NOT NULL REFERENCES applications (id),
        content text NOT NULL,
        contact_name varchar(50),
        contact_phone varchar(20),
        created_at timestamptz NOT NULL,
        resolved_at timestamptz,
        upheld boolean,
        opinion text,
        resolved_by uuid REFERENCES users (id)
      )`);
    await q.query(
      `CREATE INDEX objections_unresolved_idx ON objections (application_id) WHERE resolved_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id),
        kind varchar(24) NOT NULL,
        level varchar(16) NOT NULL,
        to_level varchar(16) NOT NULL,
        region_path text NOT NULL,
        message text NOT NULL,
        created_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        UNIQUE (application_id, kind, level, created_at)
      )`);
    await q.query(`CREATE INDEX alerts_region_idx ON alerts (region_path text_pattern_ops)`);

    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        application_id uuid NOT NULL,
        event varchar(48) NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE command_results (
        job_id varchar(160) PRIMARY KEY,
        application_id uuid,
        status_code smallint NOT NULL,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE archive_counters (
        county_id uuid NOT NULL REFERENCES regions (id),
        year smallint NOT NULL,
        last_number integer NOT NULL,
        PRIMARY KEY (county_id, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'archive_counters',
      'command_results',
      'outbox',
      'alerts',
      'objections',
      'notices',
      'timers',
      'application_history',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP SEQUENCE notice_serial_seq`);
    await q.query(`ALTER TABLE applications DROP COLUMN overdue_since, DROP COLUMN notice_waiting,
      DROP COLUMN approved_at, DROP COLUMN approval_snapshot`);
  }
}
