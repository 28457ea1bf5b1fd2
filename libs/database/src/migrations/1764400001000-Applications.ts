import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications with their declared household, the figures computed from it
 * (kept in columns for lists and statistics), live memberships (one person, one
 * live application per campaign, enforced by a primary key) and materials.
 */
export class Applications1764400001000 implements MigrationInterface {
  name = 'Applications1764400001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        community_id uuid NOT NULL REFERENCES regions (id),
        region_path text NOT NULL,
        applicant_user_id uuid NOT NULL REFERENCES users (id),
        status varchar(24) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'community_review',
          'community_notice', 'town_review', 'town_notice', 'bureau_review', 'bureau_notice',
          'approved', 'rejected', 'returned', 'withdrawn', 'revoked')),
        level varchar(16) CHECK (level IN ('community', 'town', 'bureau')),
        version integer NOT NULL DEFAULT 1,
        household jsonb NOT NULL,
        persons smallint NOT NULL,
        household_income_fen bigint NOT NULL,
        counted_area_centi integer NOT NULL,
        income_tier smallint,
        area_tier integer,
        eligible boolean NOT NULL,
        submitted_at timestamptz,
        due_at timestamptz,
        notice_ends_at timestamptz,
        archive_no varchar(32) UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX applications_campaign_status_idx ON applications (campaign_id, status)`,
    );
    await q.query(
      `CREATE INDEX applications_region_path_idx ON applications (region_path text_pattern_ops)`,
    );
    await q.query(`CREATE INDEX applications_applicant_idx ON applications (applicant_user_id)`);

    await q.query(`
      CREATE TABLE live_memberships (
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        id_number char(18) NOT NULL,
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        PRIMARY KEY (campaign_id, id_number)
      )`);
    await q.query(
      `CREATE INDEX live_memberships_application_idx ON live_memberships (application_id)`,
    );

    await q.query(`
      CREATE TABLE materials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        type varchar(48) NOT NULL,
        member_id_number char(18),
        property_id uuid,
        content_type varchar(32) NOT NULL,
        size integer NOT NULL CHECK (size > 0),
        sha256 char(64) NOT NULL,
        storage_key text NOT NULL UNIQUE,
        uploaded_by uuid NOT NULL REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX materials_application_idx ON materials (application_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['materials', 'live_memberships', 'applications']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
