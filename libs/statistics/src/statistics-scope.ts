import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assertInJurisdiction, AuthUser } from '@app/access';
import { Campaign, CampaignsService } from '@app/campaigns';
import { AppError } from '@app/http';
import { isWithin, Region } from '@app/regions';

export interface StatisticsScope {
  campaign: Campaign;
  region: Region;
}

/** What every statistics route is of: a campaign and a region the caller may see. */
@Injectable()
export class StatisticsScopes {
  constructor(
    private readonly campaigns: CampaignsService,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
  ) {}

  /**
   * The campaign and the region (the caller's own by default; the campaign's
   * county for an account bound to no region). A region outside the caller's
   * jurisdiction, or outside the campaign's county, is absent (404).
   */
  async resolve(
    user: AuthUser,
    query: { campaignId: string; regionId?: string },
  ): Promise<StatisticsScope> {
    const campaign = await this.campaigns.require(query.campaignId);
    const regionId = query.regionId ?? user.regionId ?? campaign.countyId;
    const region = await this.regions.findOneBy({ id: regionId });
    if (!region) throw AppError.notFound('Region');
    assertInJurisdiction(user, region.path, 'Region');
    const county = await this.regions.findOneBy({ id: campaign.countyId });
    if (!county || !isWithin(region, county)) throw AppError.notFound('Region');
    return { campaign, region };
  }
}
