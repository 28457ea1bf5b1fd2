import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { assertInJurisdiction, AuthUser } from '@app/access';
import { NO_HOUSING_TIER } from '@app/applications';
import { Campaign, CampaignsService } from '@app/campaigns';
import { Clock } from '@app/clock';
import { AppError } from '@app/http';
import { isWithin, Region } from '@app/regions';
import { TierStage } from './tier-labels';
import { TierQueryDto } from './tier-query.dto';
import { TierReport } from './tier-report';
import { layTierTable, TierGroup, TierTable, tierTableBody } from './tier-table';

/**
 * Which applications a stage counts.
 * - approved: those approved now (a revoked or withdrawn household is no longer counted).
 * - submitted: every application that has ever been submitted, whatever became
 *   of it since (in review, returned, approved, rejected, withdrawn, revoked):
 *   the survey's count of households that applied, which is what the county
 *   reports beside the approved ones; a draft was never submitted. `submitted_at`
 *   is set at the first submission; `status <> 'draft'` also counts rows whose
 *   submission predates that column being kept (a draft leaves 'draft' only by
 *   being submitted, so the two readings agree wherever both are known).
 */
const STAGE_FILTER: Record<TierStage, string> = {
  approved: `status = 'approved'`,
  submitted: `(submitted_at IS NOT NULL OR status <> 'draft')`,
};

interface GroupRow {
  income_tier: number | null;
  area_tier: number | null;
  households: number;
  persons: number;
}

interface Scope {
  campaign: Campaign;
  region: Region;
  stage: TierStage;
}

@Injectable()
export class TierStatisticsService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignsService,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly clock: Clock,
  ) {}

  /** GET /api/statistics/tiers: the table of one region, with what it is of. */
  async body(user: AuthUser, query: TierQueryDto) {
    const scope = await this.scope(user, query);
    const table = await this.table(scope);
    return {
      campaignId: scope.campaign.id,
      region: { id: scope.region.id, name: scope.region.name, level: scope.region.level },
      stage: scope.stage,
      ...tierTableBody(table),
    };
  }

  /** The CSV's report: the table of one region. */
  async report(user: AuthUser, query: TierQueryDto): Promise<TierReport> {
    const scope = await this.scope(user, query);
    return this.reportOf(scope, this.clock.now());
  }

  /** The workbook's reports: the region itself, then each region directly below it (towns of a county). */
  async reports(user: AuthUser, query: TierQueryDto): Promise<TierReport[]> {
    const scope = await this.scope(user, query);
    const children = await this.regions.find({
      where: { parentId: scope.region.id },
      order: { code: 'ASC' },
    });
    const at = this.clock.now();
    const reports = [await this.reportOf(scope, at)];
    for (const region of children) reports.push(await this.reportOf({ ...scope, region }, at));
    return reports;
  }

  /**
   * The campaign, the region (the caller's own by default; the campaign's county
   * for an account bound to no region) and the stage. A region outside the
   * caller's jurisdiction, or outside the campaign's county, is absent (404).
   */
  private async scope(user: AuthUser, query: TierQueryDto): Promise<Scope> {
    const campaign = await this.campaigns.require(query.campaignId);
    const regionId = query.regionId ?? user.regionId ?? campaign.countyId;
    const region = await this.regions.findOneBy({ id: regionId });
    if (!region) throw AppError.notFound('Region');
    assertInJurisdiction(user, region.path, 'Region');
    const county = await this.regions.findOneBy({ id: campaign.countyId });
    if (!county || !isWithin(region, county)) throw AppError.notFound('Region');
    return { campaign, region, stage: query.stage ?? 'approved' };
  }

  private async reportOf(scope: Scope, exportedAt: Date): Promise<TierReport> {
    const { campaign, region, stage } = scope;
    return {
      campaign: {
        name: campaign.name,
        referenceIncomeFen: campaign.referenceIncomeFen,
        areaLimitCenti: campaign.areaLimitCenti,
      },
      region: { name: region.name, level: region.level },
      stage,
      exportedAt,
      table: await this.table(scope),
    };
  }

  private async table({ campaign, region, stage }: Scope): Promise<TierTable> {
    const rows: GroupRow[] = await this.db.query(
      `SELECT income_tier, area_tier, count(*)::int AS households, sum(persons)::int AS persons
         FROM applications
        WHERE campaign_id = $1 AND region_path LIKE $2 AND ${STAGE_FILTER[stage]}
        GROUP BY income_tier, area_tier`,
      [campaign.id, `${escapeLike(region.path)}%`],
    );
    return layTierTable(campaign, rows.map(toGroup));
  }
}

function toGroup(r: GroupRow): TierGroup {
  return {
    incomeTier: r.income_tier,
    areaTier: r.area_tier === NO_HOUSING_TIER ? 'none' : r.area_tier,
    households: r.households,
    persons: r.persons,
  };
}

/** Paths are ids and slashes, but a prefix test should never read `%` or `_` as wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
