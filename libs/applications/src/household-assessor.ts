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
/** The same shapes as POSIX regular expressions (`~`, and `~*` for the uuid's letters). */
const RESIDENT_ID_SHAPE_SQL = '^[0-9]{17}[0-9X]$';
const UUID_SHAPE_SQL = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

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
 * `subject`'s members are sent as parameters (the transition reads them
 * under its lock, with the row it locked).
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
      sql: localCommunitiesSql({ countyId: '$1', communityIds: '$2::uuid[]' }),
      params: [campaign.countyId, communityIds],
    },
    members_elsewhere: {
      sql: membersElsewhereSql({
        campaignId: '$1',
        idNumbers: '$2::char(18)[]',
        applicationId: '$3::uuid',
      }),
      params: [campaign.id, idNumbers, subject.id ?? null],
    },
  };
}

/**
 * The same lookups for the row `alias` of `applications` in the statement
 * around them: its members are taken from its stored household, filtered by
 * the same shapes as `assessmentLookups`' parameters (GET application reads
 * the row, its materials and these in one statement).
 */
export function assessmentLookupsOfRow(alias: string): {
  local_community_ids: string;
  members_elsewhere: string;
} {
  const members = `jsonb_array_elements(${alias}.household -> 'members') AS member`;
  return {
    local_community_ids: localCommunitiesSql({
      countyId: `(SELECT county_id FROM campaigns WHERE id = ${alias}.campaign_id)`,
      communityIds: `ARRAY(SELECT DISTINCT (member ->> 'hukouCommunityId')::uuid FROM ${members}
                            WHERE member ->> 'hukouCommunityId' ~* '${UUID_SHAPE_SQL}')`,
    }),
    members_elsewhere: membersElsewhereSql({
      campaignId: `${alias}.campaign_id`,
      idNumbers: `ARRAY(SELECT DISTINCT (member ->> 'idNumber')::char(18) FROM ${members}
                         WHERE member ->> 'idNumber' ~ '${RESIDENT_ID_SHAPE_SQL}')`,
      applicationId: `${alias}.id`,
    }),
  };
}

/** The members' hukou communities (`communityIds`, uuid[]) that lie in the county. */
function localCommunitiesSql(x: { countyId: string; communityIds: string }): string {
  return `SELECT array_agg(c.id::text) FROM regions c JOIN regions county ON county.id = ${x.countyId}
           WHERE c.id = ANY(${x.communityIds}) AND c.level = 'community' AND c.path LIKE county.path || '%'`;
}

/**
 * The ID numbers (`idNumbers`, char(18)[]) held by another live application
 * of the campaign. Each is looked up by the membership's whole key, one
 * lookup per ID number (`OFFSET 0` keeps the lateral subquery from being
 * merged into a join the planner could run another way). Written as a filter
 * of the campaign's memberships by the list of ID numbers, a plan made
 * without the list's values (a transition's generic plan) and without
 * statistics that show one campaign holding every row read all of the
 * campaign's memberships and filtered them (test/database-plans.int-spec.ts).
 */
function membersElsewhereSql(x: {
  campaignId: string;
  idNumbers: string;
  applicationId: string;
}): string {
  return `SELECT array_agg(held.id_number::text)
            FROM unnest(${x.idNumbers}) AS wanted (id_number),
                 LATERAL (SELECT m.id_number FROM live_memberships m
                           WHERE m.campaign_id = ${x.campaignId} AND m.id_number = wanted.id_number
                             AND m.application_id IS DISTINCT FROM ${x.applicationId}
                          OFFSET 0) AS held`;
}

export function lookupsFrom(row: AssessmentLookupRow): AssessmentLookups {
  return {
    localCommunityIds: new Set(row.local_community_ids ?? []),
    idNumbersInOtherLiveApplications: new Set(row.members_elsewhere ?? []),
  };
}
