import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { shanghaiDateOf } from '@app/calendar';
import { Campaign } from '@app/campaigns';
import { Clock } from '@app/clock';
import { assessHousehold, AssessmentResult, HouseholdAssessment } from '@app/domain';
import { AppError } from '@app/http';
import { StoredHousehold } from './application.entity';

/** Only well-shaped values reach the query; the others are the assessment's own errors. */
const RESIDENT_ID_SHAPE = /^[0-9]{17}[0-9X]$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /**
   * The assessment of `subject`'s household. Inside a transaction (`manager`),
   * its lookups run on that transaction's connection and see its snapshot
   * (a worker applying a transition takes no second connection).
   */
  async assess(
    subject: AssessmentSubject,
    campaign: Campaign,
    manager?: EntityManager,
  ): Promise<AssessmentResult> {
    const { localCommunityIds, idNumbersInOtherLiveApplications } = await this.lookUp(
      manager ?? this.db.manager,
      subject,
      campaign,
    );
    return assessHousehold({ communityId: subject.communityId, ...subject.household }, campaign, {
      today: shanghaiDateOf(this.clock.now()),
      countyCommunityIds: localCommunityIds,
      idNumbersInOtherLiveApplications,
    });
  }

  /** The assessment, or a 422 listing every structural problem of the declaration. */
  async assessOrRefuse(
    subject: AssessmentSubject,
    campaign: Campaign,
    manager?: EntityManager,
  ): Promise<HouseholdAssessment> {
    const result = await this.assess(subject, campaign, manager);
    if (!result.ok) {
      throw AppError.unprocessable(
        'INVALID_HOUSEHOLD',
        'The household declaration has errors',
        result.errors.map((e) => ({ code: e.code, field: e.path, message: e.message })),
      );
    }
    return result.assessment;
  }

  /**
   * In one statement: which of the members' hukou communities are communities
   * of the campaign's county (only those the household names are read, not
   * the county's whole list), and which of their ID numbers are in another
   * live application of the campaign.
   */
  private async lookUp(
    manager: EntityManager,
    subject: AssessmentSubject,
    campaign: Campaign,
  ): Promise<{ localCommunityIds: Set<string>; idNumbersInOtherLiveApplications: Set<string> }> {
    const members = subject.household.members;
    const communityIds = [...new Set(members.map((m) => m.hukouCommunityId))].filter((id) =>
      UUID_SHAPE.test(id),
    );
    const idNumbers = members.map((m) => m.idNumber).filter((n) => RESIDENT_ID_SHAPE.test(n));
    const rows: { kind: 'community' | 'member'; value: string }[] = await manager.query(
      `SELECT 'community' AS kind, c.id::text AS value
         FROM regions c JOIN regions county ON county.id = $1
        WHERE c.id = ANY($2::uuid[]) AND c.level = 'community' AND c.path LIKE county.path || '%'
       UNION ALL
       SELECT 'member', id_number::text FROM live_memberships
        WHERE campaign_id = $3 AND id_number = ANY($4::char(18)[])
          AND application_id IS DISTINCT FROM $5::uuid`,
      [campaign.countyId, communityIds, campaign.id, idNumbers, subject.id ?? null],
    );
    const valuesOf = (kind: string) =>
      new Set(rows.filter((r) => r.kind === kind).map((r) => r.value));
    return {
      localCommunityIds: valuesOf('community'),
      idNumbersInOtherLiveApplications: valuesOf('member'),
    };
  }
}
