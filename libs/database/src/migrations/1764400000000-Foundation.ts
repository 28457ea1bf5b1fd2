import { MigrationInterface, QueryRunner } from 'typeorm';

/** Regions, users, campaigns, the calendar's local overrides and the manual clock. */
export class Foundation1764400000000 implements MigrationInterface {
  name = 'Foundation1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE regions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(32) NOT NULL UNIQUE,
        name varchar(100) NOT NULL,
        level varchar(16) NOT NULL CHECK (level IN ('county', 'town', 'community')),
        parent_id uuid REFERENCES regions (id),
        path text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT regions_county_is_root CHECK ((level = 'county') = (parent_id IS NULL))
      )`);
    await q.query(`CREATE INDEX regions_parent_id_idx ON regions (parent_id)`);
    await q.query(`CREATE INDEX regions_path_prefix_idx ON regions (path text_pattern_ops)`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(32) NOT NULL UNIQUE,
        password_hash text NOT NULL,
        name varchar(50) NOT NULL,
        role varchar(24) NOT NULL CHECK (role IN
          ('applicant', 'community_reviewer', 'town_reviewer', 'bureau_reviewer', 'admin')),
        region_id uuid REFERENCES regions (id),
        id_number char(18) UNIQUE,
        phone varchar(20),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_reviewer_has_region CHECK (role NOT LIKE '%_reviewer' OR region_id IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX users_region_id_idx ON users (region_id)`);

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        county_id uuid NOT NULL REFERENCES regions (id),
        reference_income_fen bigint NOT NULL CHECK (reference_income_fen > 0),
        area_limit_centi integer NOT NULL CHECK (area_limit_centi > 0),
        income_coefficients smallint[] NOT NULL,
        area_tier_bounds_centi integer[] NOT NULL,
        age_cutoff_date date NOT NULL,
        hukou_cutoff_date date NOT NULL,
        transfer_cutoff_date date NOT NULL,
        opens_on date NOT NULL,
        closes_on date NOT NULL,
        report_due_on date NOT NULL,
        review_days_community smallint NOT NULL CHECK (review_days_community > 0),
        review_days_town smallint NOT NULL CHECK (review_days_town > 0),
        review_days_bureau smallint NOT NULL CHECK (review_days_bureau > 0),
        notice_days smallint NOT NULL CHECK (notice_days > 0),
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT campaigns_window_in_order CHECK (opens_on <= closes_on AND closes_on <= report_due_on)
      )`);
    await q.query(`CREATE INDEX campaigns_county_id_idx ON campaigns (county_id)`);

    await q.query(`
      CREATE TABLE calendar_overrides (
        date date PRIMARY KEY,
        workday boolean NOT NULL,
        note varchar(200) NOT NULL,
        updated_by uuid REFERENCES users (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE manual_clock (
        id smallint PRIMARY KEY CHECK (id = 1),
        now timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['manual_clock', 'calendar_overrides', 'campaigns', 'users', 'regions']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
