import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Register exports that run as queued jobs. The row is the truth (Redis only
 * carries the job, rebuilt from here), so a wiped queue or a killed worker
 * leaves every export queued or running, and it is taken up again from the start.
 */
export class RegisterExports1764400004000 implements MigrationInterface {
  name = 'RegisterExports1764400004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE register_exports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Order of requests: under the manual clock many share one instant.
        serial bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        requested_by uuid NOT NULL REFERENCES users (id),
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        region_id uuid NOT NULL REFERENCES regions (id),
        format varchar(4) NOT NULL CHECK (format IN ('csv', 'xlsx')),
        status varchar(8) NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'done', 'failed', 'expired')),
        file_name varchar(200) NOT NULL,
        rows_total integer CHECK (rows_total >= 0),
        rows_written integer NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
        size_bytes bigint,
        attempts integer NOT NULL DEFAULT 0,
        error_code varchar(40),
        requested_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        expires_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX register_exports_requester_idx ON register_exports (requested_by, serial DESC)`,
    );
    await q.query(
      `CREATE INDEX register_exports_open_idx ON register_exports (serial)
         WHERE status IN ('queued', 'running')`,
    );
    await q.query(
      `CREATE INDEX register_exports_expiry_idx ON register_exports (expires_at) WHERE status = 'done'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE register_exports`);
  }
}
