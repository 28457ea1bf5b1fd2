import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { shanghaiDateOf } from '@app/calendar';
import { Campaign } from '@app/campaigns';
import { Clock } from '@app/clock';
import { assessHousehold, AssessmentResult, HouseholdAssessment } from '@app/domain';
import { AppError } from '@app/http';
import { StoredHousehold } from './application.entity';

/** Only well-shaped numbers reach the query; the others are the assessment's own errors. */
const RESIDENT_ID_SHAPE = /^[0-9]{17}[0-9X]$/;

export interface AssessmentSubject {
  /** Absent for an application not yet saved. */
  id?: string;
  communityId: string;
  household: StoredHousehold;
}

/**
 * Runs the domain's assessment with what it needs from the database: the
 * county's communities (local hukou) and the members already in another live
 * application of the campaign.
 */
@Injectable()
export class HouseholdAssessor {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async assess(subject: AssessmentSubject, campaign: Campaign): Promise<AssessmentResult> {
    const idNumbers = subject.household.members.map((m) => m.idNumber);
    const [countyCommunityIds, inOtherApplications] = await Promise.all([
      this.countyCommunityIds(campaign.countyId),
      this.membersInOtherLiveApplications(campaign.id, idNumbers, subject.id),
    ]);
    return assessHousehold({ communityId: subject.communityId, ...subject.household }, campaign, {
      today: shanghaiDateOf(this.clock.now()),
      countyCommunityIds,
      idNumbersInOtherLiveApplications: inOtherApplications,
    });
  }

  /** The assessment, or a 422 listing every structural problem of the declaration. */
  async assessOrRefuse(
    subject: AssessmentSubject,
    campaign: Campaign,
  ): Promise<HouseholdAssessment> {
    const result = await this.assess(subject, campaign);
    if (!result.ok) {
      throw AppError.unprocessable(
        'INVALID_HOUSEHOLD',
        'The household declaration has errors',
        result.errors.map((e) => ({ code: e.code, field: e.path, message: e.message })),
      );
    }
    return result.assessment;
  }

  private async countyCommunityIds(countyId: string): Promise<Set<string>> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT c.id FROM regions c JOIN regions county ON county.id = $1
        WHERE c.level = 'community' AND c.path LIKE county.path || '%'`,
      [countyId],
    );
    return new Set(rows.map((r) => r.id));
  }

  private async membersInOtherLiveApplications(
    campaignId: string,
    idNumbers: string[],
    applicationId: string | undefined,
  ): Promise<Set<string>> {
    const rows: { id_number: string }[] = await this.db.query(
      `SELECT id_number FROM live_memberships
        WHERE campaign_id = $1 AND id_number = ANY($2::char(18)[])
          AND application_id IS DISTINCT FROM $3::uuid`,
      [campaignId, idNumbers.filter((n) => RESIDENT_ID_SHAPE.test(n)), applicationId ?? null],
    );
    return new Set(rows.map((r) => r.id_number));
  }
}
