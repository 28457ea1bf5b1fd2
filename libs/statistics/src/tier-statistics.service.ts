import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuthUser } from '@app/access';
import { Clock } from '@app/clock';
import { Region } from '@app/regions';
import { StatisticsScope, StatisticsScopes } from './statistics-scope';
import { countTierTable } from './tier-counts';
import { TierStage } from './tier-labels';
import { TierQueryDto } from './tier-query.dto';
import { TierReport } from './tier-report';
import { TierTable, tierTableBody } from './tier-table';

interface Scope extends StatisticsScope {
  stage: TierStage;
}

@Injectable()
export class TierStatisticsService {
  constructor(
    private readonly db: DataSource,
    private readonly scopes: StatisticsScopes,
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

  /** The campaign and region (see StatisticsScopes.resolve) and the stage, `approved` by default. */
  private async scope(user: AuthUser, query: TierQueryDto): Promise<Scope> {
    return { ...(await this.scopes.resolve(user, query)), stage: query.stage ?? 'approved' };
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

  private table({ campaign, region, stage }: Scope): Promise<TierTable> {
    return countTierTable(this.db, campaign, region, stage);
  }
}
