import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { ParseUuid } from '@app/http';
import {
  CreateRegisterExportDto,
  REGISTER_EXPORTS_PATH,
  RegisterExportsService,
  RegisterExportView,
} from '@app/statistics';

/**
 * Register exports run as queued jobs: requested here (202, with where to
 * follow it), then polled for progress, then downloaded when done. Each
 * export is visible to the account that asked for it only.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@Controller('statistics/register-exports')
@Roles('admin', 'bureau_reviewer', 'town_reviewer', 'community_reviewer')
export class RegisterExportsController {
  constructor(private readonly exports: RegisterExportsService) {}

  @Post()
  @HttpCode(202)
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateRegisterExportDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RegisterExportView> {
    const view = await this.exports.request(user, body);
    res.location(`${REGISTER_EXPORTS_PATH}/${view.id}`);
    return view;
  }

  /** The caller's own exports, newest first. */
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<RegisterExportView[]> {
    return this.exports.list(user);
  }

  @Get(':id')
  get(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
  ): Promise<RegisterExportView> {
    return this.exports.get(user, id);
  }

  @Get(':id/file')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async file(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.exports.download(user, id);
    // Express streams the file (length, disposition, a client that leaves); only
    // an error before anything was sent is still ours to answer.
    await new Promise<void>((resolve, reject) => {
      res.download(
        file.path,
        file.fileName,
        {
          headers: { 'Content-Type': file.contentType, 'Cache-Control': 'no-store' },
          cacheControl: false,
        },
        (error?: Error) => (error && !res.headersSent ? reject(error) : resolve()),
      );
    });
  }
}
