import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedChange } from '@app/audit';
import { ParseUuid } from '@app/http';
import { assertInJurisdiction, AuthUser, CurrentUser, Roles } from '@app/access';
import { CampaignsService, CampaignView, CreateCampaignDto } from '@app/campaigns';
import { RegionsService } from '@app/regions';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly regions: RegionsService,
  ) {}

  @Post()
  @Roles('admin')
  @AuditedChange<CampaignView>({
    action: 'admin.campaign.created',
    target: ({ result }) => ({ type: 'campaign', id: result.id }),
    detail: ({ result }) => ({
      countyId: result.countyId,
      opensOn: result.opensOn,
      closesOn: result.closesOn,
    }),
  })
  async create(
    @Body() dto: CreateCampaignDto,
    @CurrentUser() user: AuthUser,
  ): Promise<CampaignView> {
    // A county outside the caller's jurisdiction is absent (404); an unknown id, or a region
    // that is no county, is left to the service's 422 with the other broken parameters.
    const county = await this.regions.findById(dto.countyId);
    if (county) assertInJurisdiction(user, county.path, 'Region');
    return this.campaigns.create(dto, user.id);
  }

  @Get()
  list(): Promise<CampaignView[]> {
    return this.campaigns.list();
  }

  @Get(':id')
  get(@Param('id', ParseUuid()) id: string): Promise<CampaignView> {
    return this.campaigns.get(id);
  }
}
