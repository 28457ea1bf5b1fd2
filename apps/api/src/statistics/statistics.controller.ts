import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import {
  buildTierWorkbook,
  renderTierCsv,
  TierQueryDto,
  TierReport,
  TierStatisticsService,
  XLSX_CONTENT_TYPE,
} from '@app/statistics';

/**
 * The tier table: admin and bureau for the whole county, town and community
 * reviewers for their own region (a wider or other region is a 404).
 * `tiers.csv` and `tiers.xlsx` are routes of their own, declared before
 * `tiers`, so the extension is never read as part of another route.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
@Roles('admin', 'bureau_reviewer', 'town_reviewer', 'community_reviewer')
export class StatisticsController {
  constructor(private readonly statistics: TierStatisticsService) {}

  @Get('tiers.csv')
  @ApiProduces('text/csv')
  async csv(
    @CurrentUser() user: AuthUser,
    @Query() query: TierQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const report = await this.statistics.report(user, query);
    const body = renderTierCsv(report);
    res.attachment(fileName(report, 'csv'));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.send(body);
  }

  /** One sheet for the region, one for each region directly below it; streamed as it is written. */
  @Get('tiers.xlsx')
  @ApiProduces(XLSX_CONTENT_TYPE)
  async xlsx(
    @CurrentUser() user: AuthUser,
    @Query() query: TierQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const reports = await this.statistics.reports(user, query);
    const workbook = buildTierWorkbook(reports);
    res.attachment(fileName(reports[0], 'xlsx'));
    res.setHeader('Content-Type', XLSX_CONTENT_TYPE);
    // A failure halfway is cut short by AllExceptionsFilter (the headers are gone by then).
    await workbook.xlsx.write(res);
    res.end();
  }

  /** The contract's table, plus `outsideTiers` (submitted households in no tier) and what it is of. */
  @Get('tiers')
  tiers(@CurrentUser() user: AuthUser, @Query() query: TierQueryDto) {
    return this.statistics.body(user, query);
  }
}

function fileName(report: TierReport, extension: string): string {
  return `${report.campaign.name}-${report.region.name}-分档统计-${report.stage}.${extension}`;
}
