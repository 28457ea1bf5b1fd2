import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
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

  @Post()
  @Roles('admin')
  async create(@Body() dto: CreateRegionDto): Promise<RegionNode> {
    const r = await this.regions.create(dto);
    return { id: r.id, code: r.code, name: r.name, level: r.level, children: [] };
  }
}
