import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedChange } from '@app/audit';
import { ParseUuid } from '@app/http';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { CampaignsService, CampaignView, CreateCampaignDto } from '@app/campaigns';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

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
  create(@Body() dto: CreateCampaignDto, @CurrentUser() user: AuthUser): Promise<CampaignView> {
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
