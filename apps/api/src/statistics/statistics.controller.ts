import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { AppConfig } from '@app/config';
import {
  buildTierWorkbook,
  ExportAbortedError,
  REGISTER_CONTENT_TYPES,
  REGISTER_EXPORTS_PATH,
  RegisterFormat,
  RegisterExportsService,
  RegisterQueryDto,
  RegisterService,
  renderTierCsv,
  TierQueryDto,
  TierReport,
  TierStatisticsService,
  XLSX_CONTENT_TYPE,
} from '@app/statistics';

/**
 * The tier table and the register of approved households: admin and bureau
 * for the whole county, town and community reviewers for their own region (a
 * wider or other region is a 404). `tiers.csv` and `tiers.xlsx` are routes of
 * their own, declared before `tiers`, so the extension is never read as part
 * of another route.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics')
@Roles('admin', 'bureau_reviewer', 'town_reviewer', 'community_reviewer')
export class StatisticsController {
  constructor(
    private readonly statistics: TierStatisticsService,
    private readonly register: RegisterService,
    private readonly exports: RegisterExportsService,
    private readonly config: AppConfig,
  ) {}

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

  /**
   * Every approved household of the region, by archive number: archive number,
   * community, persons, per-capita figures, tiers. It goes to the city as
   * statistics, so no name and no ID number is in it. Streamed from one
   * PostgreSQL COPY as the client reads (see writeRegister). A register longer
   * than REGISTER_DIRECT_LIMIT households is queued as an export instead: 202
   * with the export to follow (see RegisterExportsController).
   */
  @Get('register.csv')
  @ApiProduces('text/csv')
  registerCsv(
    @CurrentUser() user: AuthUser,
    @Query() query: RegisterQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    return this.sendRegister(user, query, 'csv', res);
  }

  /** The same register as a workbook, one sheet row per household. */
  @Get('register.xlsx')
  @ApiProduces(XLSX_CONTENT_TYPE)
  registerXlsx(
    @CurrentUser() user: AuthUser,
    @Query() query: RegisterQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    return this.sendRegister(user, query, 'xlsx', res);
  }

  private async sendRegister(
    user: AuthUser,
    query: RegisterQueryDto,
    format: RegisterFormat,
    res: Response,
  ): Promise<void> {
    const register = await this.register.open(user, query);
    if (register.households > this.config.registerDirectLimit) {
      const view = await this.exports.queue(user, register.scope, format);
      res.status(202).location(`${REGISTER_EXPORTS_PATH}/${view.id}`).json(view);
      return;
    }
    res.attachment(register.fileName(format));
    res.setHeader('Content-Type', REGISTER_CONTENT_TYPES[format]);
    await untilClientLeaves(() => register.write(format, res));
  }

  /** The contract's table, plus `outsideTiers` (submitted households in no tier) and what it is of. */
  @Get('tiers')
  tiers(@CurrentUser() user: AuthUser, @Query() query: TierQueryDto) {
    return this.statistics.body(user, query);
  }
}

/**
 * A client that closes the connection mid-export is no error of ours: the
 * COPY stops (its connection is discarded) and nothing is left to answer.
 * Any other failure goes on to AllExceptionsFilter, which cuts the connection.
 */
async function untilClientLeaves(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (!(e instanceof ExportAbortedError)) throw e;
  }
}

function fileName(report: TierReport, extension: string): string {
  return `${report.campaign.name}-${report.region.name}-分档统计-${report.stage}.${extension}`;
}
