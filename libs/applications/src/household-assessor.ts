import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { shanghaiDateOf } from '@app/calendar';
import { Campaign } from '@app/campaigns';
import { Clock } from '@app/clock';
import { assessHousehold, AssessmentResult, HouseholdAssessment } from '@app/domain';
import { AppError } from '@app/http';
import { selectRow, Statement } from '@app/database';
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
    const { sql, params } = selectRow(assessmentLookups(subject, campaign));
    const [row]: AssessmentLookupRow[] = await (manager ?? this.db.manager).query(sql, params);
    return this.assessWith(subject, campaign, lookupsFrom(row));
  }

  /** The assessment with lookups already made (the transition engine reads them with its row). */
  assessWith(
    subject: AssessmentSubject,
    campaign: Campaign,
    lookups: AssessmentLookups,
  ): AssessmentResult {
    return assessHousehold({ communityId: subject.communityId, ...subject.household }, campaign, {
      today: shanghaiDateOf(this.clock.now()),
      countyCommunityIds: lookups.localCommunityIds,
      idNumbersInOtherLiveApplications: lookups.idNumbersInOtherLiveApplications,
    });
  }

  /** The assessment, or a 422 listing every structural problem of the declaration. */
  async assessOrRefuse(
    subject: AssessmentSubject,
    campaign: Campaign,
    manager?: EntityManager,
  ): Promise<HouseholdAssessment> {
    return assessedOrRefused(await this.assess(subject, campaign, manager));
  }

  /** `assessOrRefuse` with lookups already made. */
  assessOrRefuseWith(
    subject: AssessmentSubject,
    campaign: Campaign,
    lookups: AssessmentLookups,
  ): HouseholdAssessment {
    return assessedOrRefused(this.assessWith(subject, campaign, lookups));
  }
}

function assessedOrRefused(result: AssessmentResult): HouseholdAssessment {
  if (!result.ok) {
    throw AppError.unprocessable(
      'INVALID_HOUSEHOLD',
      'The household declaration has errors',
      result.errors.map((e) => ({ code: e.code, field: e.path, message: e.message })),
    );
  }
  return result.assessment;
}

/** What the assessment reads from the database besides the declaration. */
export interface AssessmentLookups {
  /** The members' hukou communities that are communities of the campaign's county. */
  localCommunityIds: Set<string>;
  /** The members' ID numbers already in another live application of the campaign. */
  idNumbersInOtherLiveApplications: Set<string>;
}

/** The lookups as `assessmentLookups`' two columns answer them. */
export interface AssessmentLookupRow {
  local_community_ids: string[] | null;
  members_elsewhere: string[] | null;
}

/**
 * The lookups as two array-valued subqueries (columns `local_community_ids`,
 * `members_elsewhere`), to be read in one row with others: only the
 * communities the household names are read, not the county's whole list.
 *
 * Each member is looked up by the membership's whole key, one lookup per ID
 * number (`OFFSET 0` keeps the lateral subquery from being merged into a
 * join the planner could run another way). Written as a filter of the
 * campaign's memberships by the list of ID numbers, a plan made without
 * the list's values (a transition's generic plan) and without statistics
 * that show one campaign holding every row read all of the campaign's
 * memberships and filtered them (test/database-plans.int-spec.ts).
 */
export function assessmentLookups(
  subject: AssessmentSubject,
  campaign: Campaign,
): { local_community_ids: Statement; members_elsewhere: Statement } {
  const members = subject.household.members;
  const communityIds = [...new Set(members.map((m) => m.hukouCommunityId))].filter((id) =>
    UUID_SHAPE.test(id),
  );
  const idNumbers = [...new Set(members.map((m) => m.idNumber))].filter((n) =>
    RESIDENT_ID_SHAPE.test(n),
  );
  return {
    local_community_ids: {
      sql: `SELECT array_agg(c.id::text) FROM regions c JOIN regions county ON county.id = $1
             WHERE c.id = ANY($2::uuid[]) AND c.level = 'community' AND c.path LIKE county.path || '%'`,
      params: [campaign.countyId, communityIds],
    },
    members_elsewhere: {
      sql: `SELECT array_agg(held.id_number::text)
              FROM unnest($2::char(18)[]) AS wanted (id_number),
                   LATERAL (SELECT m.id_number FROM live_memberships m
                             WHERE m.campaign_id = $1 AND m.id_number = wanted.id_number
                               AND m.application_id IS DISTINCT FROM $3::uuid
                            OFFSET 0) AS held`,
      params: [campaign.id, idNumbers, subject.id ?? null],
    },
  };
}

export function lookupsFrom(row: AssessmentLookupRow): AssessmentLookups {
  return {
    localCommunityIds: new Set(row.local_community_ids ?? []),
    idNumbersInOtherLiveApplications: new Set(row.members_elsewhere ?? []),
  };
}
