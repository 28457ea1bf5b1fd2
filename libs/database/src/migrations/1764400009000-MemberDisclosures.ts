import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The members an applicant account has been told are in another live
 * application of a campaign (MEMBER_IN_OTHER_APPLICATION on its draft). Each
 * is a fact about someone else, and anyone can type any ID number into a
 * draft: the service tells one account at most `MEMBER_DISCLOSURE_LIMIT` of
 * them per campaign, and this is its count. A member told once stays told.
 */
export class MemberDisclosures1764400009000 implements MigrationInterface {
  name = 'MemberDisclosures1764400009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_disclosures (
        applicant_user_id uuid NOT NULL REFERENCES users (id),
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        id_number char(18) NOT NULL,
        disclosed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (applicant_user_id, campaign_id, id_number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE member_disclosures`);
  }
}
