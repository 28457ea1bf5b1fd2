import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { assertInJurisdiction, assertServiceWide, AuthUser, CurrentUser, Roles } from '@app/access';
import { AuditedChange } from '@app/audit';
import { AppError, ParseUuid } from '@app/http';
import { CreateRegionDto, RegionNode, RegionsService } from '@app/regions';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  tree(): Promise<RegionNode[]> {
    return this.regions.tree();
  }

  /**
   * One region and what lies below it. Staff see only their own subtree
   * (anything else is a 404); applicants may look up any region to apply in.
   */
  @Get(':id')
  async get(
    @Param('id', ParseUuid()) id: string,
    @CurrentUser() user: AuthUser,
  ): Promise<RegionNode> {
    const region = await this.regions.findById(id);
    if (!region) throw AppError.notFound('Region');
    if (user.role !== 'applicant') assertInJurisdiction(user, region.path, 'Region');
    return this.regions.subtree(region);
  }

  @Post()
  @Roles('admin')
  @AuditedChange<RegionNode>({
    action: 'admin.region.created',
    target: ({ result }) => ({ type: 'region', id: result.id }),
    detail: ({ result }) => ({ code: result.code, level: result.level }),
  })
  async create(@Body() dto: CreateRegionDto, @CurrentUser() user: AuthUser): Promise<RegionNode> {
    await this.assertMayCreateUnder(user, dto);
    const r = await this.regions.create(dto);
    return { id: r.id, code: r.code, name: r.name, level: r.level, children: [] };
  }

  /**
   * A region is made under a parent inside the caller's jurisdiction (outside,
   * the parent is absent: 404). A new county lies inside no county: only an
   * administrator of the whole service makes one (403 for one bound to a county).
   * An unknown or ill-levelled parent is left to the service's 422 INVALID_PARENT.
   */
  private async assertMayCreateUnder(user: AuthUser, dto: CreateRegionDto): Promise<void> {
    if (dto.level === 'county') return assertServiceWide(user, 'create a county');
    const parent = dto.parentId ? await this.regions.findById(dto.parentId) : null;
    if (parent) assertInJurisdiction(user, parent.path, 'Region');
  }
}
