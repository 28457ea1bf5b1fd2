import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { AssessmentLookups } from './household-assessor';

/**
 * Which of a draft's members held by another live application its applicant
 * is told of (table `member_disclosures`, at most `MEMBER_DISCLOSURE_LIMIT`
 * per account and campaign).
 *
 * A draft's eligibility names a member already in another live application
 * (MEMBER_IN_OTHER_APPLICATION): the household must know whom to take out. But
 * a draft may list any ID number, so each member named is a fact about
 * someone else, "this person is applying", and without a bound one account
 * could ask it of stranger after stranger. A member told once stays told
 * (the same draft read again says the same); past the limit the applicant's
 * view no longer names new ones, and submitting is still refused with 409
 * MEMBER_IN_OTHER_APPLICATION: that costs every member's materials and leaves
 * an attempt in the audit trail. Reviewers see every held member.
 */
@Injectable()
export class MemberDisclosures {
  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * `lookups` with only the held members the applicant may be told of; the
   * newly told are recorded. Nothing is read or written when no member is
   * held (nearly always).
   */
  async limitFor(
    applicantUserId: string,
    campaignId: string,
    lookups: AssessmentLookups,
  ): Promise<AssessmentLookups> {
    const held = lookups.idNumbersInOtherLiveApplications;
    if (held.size === 0) return lookups;
    const told = await this.tell(applicantUserId, campaignId, [...held].sort());
    return { ...lookups, idNumbersInOtherLiveApplications: new Set(told) };
  }

  /** The members of `held` told to the account, those told before first; under its lock, so two reads at once share one count. */
  private tell(applicantUserId: string, campaignId: string, held: string[]): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `member-disclosures:${applicantUserId}:${campaignId}`,
      ]);
      const rows: { id_number: string }[] = await tx.query(
        `SELECT id_number FROM member_disclosures WHERE applicant_user_id = $1 AND campaign_id = $2`,
        [applicantUserId, campaignId],
      );
      const before = new Set(rows.map((r) => r.id_number));
      const room = Math.max(0, this.config.memberDisclosureLimit - before.size);
      const added = held.filter((n) => !before.has(n)).slice(0, room);
      if (added.length > 0) {
        await tx.query(
          `INSERT INTO member_disclosures (applicant_user_id, campaign_id, id_number)
           SELECT $1, $2, unnest($3::char(18)[]) ON CONFLICT DO NOTHING`,
          [applicantUserId, campaignId, added],
        );
      }
      return held.filter((n) => before.has(n) || added.includes(n));
    });
  }
}
