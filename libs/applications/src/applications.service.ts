import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuthUser } from '@app/access';
import { Campaign, CampaignsService } from '@app/campaigns';
import { Clock } from '@app/clock';
import { AppError } from '@app/http';
import { RegionsService } from '@app/regions';
import {
  requireEditableByApplicant,
  notADraftRow,
  requireReadable,
  requireSamePlaceOnceSubmitted,
} from './application-access';
import { applicationWith, ReadOptions } from './application-row';
import { Application } from './application.entity';
import {
  applicationSummary,
  applicationView,
  ApplicationView,
  figureColumns,
  MaterialsJson,
  materialsFromJson,
  materialsJsonSql,
} from './application-view';
import { ApplicationBodyDto } from './dto/household.dto';
import { ListApplicationsQueryDto } from './dto/list-query.dto';
import {
  AssessmentLookupRow,
  assessmentLookupsOfRow,
  HouseholdAssessor,
  lookupsFrom,
} from './household-assessor';
import { toStoredHousehold } from './household-mapping';

/** What GET application reads with the row. */
type ViewExtras = AssessmentLookupRow & { materials: MaterialsJson };

/**
 * GET application's read: the row with its materials and the assessment's
 * lookups, every one of them reached by a key, so on a generic plan (planning
 * it took longer than running it: docs/performance.md, "GET application on a
 * generic plan").
 */
export const VIEW_READ: Readonly<ReadOptions> = {
  also: {
    materials: materialsJsonSql('a.id'),
    ...assessmentLookupsOfRow('a'),
  },
  genericPlan: true,
};

/** Drafts: create, replace, read and list. Submission and withdrawal live in SubmissionService. */
@Injectable()
export class ApplicationsService {
  constructor(
    @InjectRepository(Application) private readonly applications: Repository<Application>,
    private readonly campaigns: CampaignsService,
    private readonly regions: RegionsService,
    private readonly assessor: HouseholdAssessor,
    private readonly clock: Clock,
    private readonly db: DataSource,
  ) {}

  async create(user: AuthUser, body: ApplicationBodyDto): Promise<ApplicationView> {
    const { campaign, regionPath } = await this.placeOf(body);
    const household = toStoredHousehold(body, []);
    const assessment = await this.assessor.assessOrRefuse(
      { communityId: body.communityId, household },
      campaign,
    );
    const saved = await this.applications.save(
      this.applications.create({
        campaignId: campaign.id,
        communityId: body.communityId,
        regionPath,
        applicantUserId: user.id,
        status: 'draft',
        level: null,
        version: 1,
        household,
        ...figureColumns(assessment),
      }),
    );
    return applicationView(saved, assessment, [], this.clock.now());
  }

  /** Replaces the declaration of a draft or returned application; the version guards against lost updates. */
  async replace(user: AuthUser, id: string, body: ApplicationBodyDto): Promise<ApplicationView> {
    const app = requireEditableByApplicant(user, await this.applications.findOneBy({ id }));
    requireSamePlaceOnceSubmitted(app, body);
    const { campaign, regionPath } = await this.placeOf(body);
    const household = toStoredHousehold(body, app.household.properties);
    const assessment = await this.assessor.assessOrRefuse(
      { id, communityId: body.communityId, household },
      campaign,
    );
    const changes = {
      campaignId: campaign.id,
      communityId: body.communityId,
      regionPath,
      household,
      ...figureColumns(assessment),
      version: app.version + 1,
    };
    const result = await this.applications
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id AND version = :version AND status IN (:...statuses)', {
        id,
        version: app.version,
        statuses: ['draft', 'returned'],
      })
      .execute();
    if (!result.affected)
      throw AppError.conflict('VERSION_CONFLICT', 'The application changed meanwhile; reload it');
    return this.view(user, id);
  }

  /**
   * GET /api/applications/:id in one statement (the most frequent read of the
   * service): the row, its materials and the assessment's lookups, plain SQL
   * mapped by the entity's metadata. The materials and lookups of a row the
   * caller may not read are read with it and dropped: one round trip, where
   * reading them after the check took two, each a hand-off to PostgreSQL and
   * back that can wait for a core on a loaded server.
   */
  async view(user: AuthUser, id: string): Promise<ApplicationView> {
    const read = await applicationWith<ViewExtras>(this.db.manager, id, VIEW_READ);
    const app = requireReadable(user, read?.app ?? null);
    const campaign = await this.campaigns.require(app.campaignId);
    const extras = read!.extras;
    const assessment = this.assessor.assessOrRefuseWith(app, campaign, lookupsFrom(extras));
    return applicationView(app, assessment, materialsFromJson(extras.materials), this.clock.now());
  }

  async list(user: AuthUser, query: ListApplicationsQueryDto) {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const now = this.clock.now();
    const q = this.applications.createQueryBuilder('a');
    if (user.role === 'applicant') {
      q.where('a.applicantUserId = :userId', { userId: user.id });
    } else {
      q.where(notADraftRow('a'));
      if (user.regionPath !== null)
        q.andWhere('a.regionPath LIKE :scope', { scope: `${user.regionPath}%` });
    }
    if (query.regionId) {
      // A region outside the caller's jurisdiction simply matches nothing they may see.
      const region = await this.regions.findById(query.regionId);
      q.andWhere('a.regionPath LIKE :within', { within: `${region?.path ?? '/none/'}%` });
    }
    if (query.status) q.andWhere('a.status = :status', { status: query.status });
    if (query.level) q.andWhere('a.level = :level', { level: query.level });
    if (query.overdue !== undefined) {
      const overdue = `(a.status IN ('community_review', 'town_review', 'bureau_review') AND a.dueAt <= :now)`;
      q.andWhere(query.overdue ? overdue : `NOT ${overdue}`, { now });
    }
    const [items, total] = await q
      .orderBy('a.createdAt', 'DESC')
      .addOrderBy('a.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: items.map((a) => applicationSummary(a, now)), total };
  }

  /** The campaign, and the community's path; the community must lie in the campaign's county. */
  private async placeOf(
    body: ApplicationBodyDto,
  ): Promise<{ campaign: Campaign; regionPath: string }> {
    const campaign = await this.campaigns.findById(body.campaignId);
    if (!campaign) throw AppError.unprocessable('UNKNOWN_CAMPAIGN', 'No such campaign');
    const community = await this.regions.findById(body.communityId);
    const county = await this.regions.findById(campaign.countyId);
    if (
      !community ||
      community.level !== 'community' ||
      !county ||
      !community.path.startsWith(county.path)
    ) {
      throw AppError.unprocessable(
        'INVALID_COMMUNITY',
        "The community is not one of the campaign's county",
      );
    }
    return { campaign, regionPath: community.path };
  }
}
