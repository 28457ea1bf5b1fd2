import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { AuditPage, AuditQueryDto, AuditReader } from '@app/audit';

/** The audit trail, newest first: logins, denials, state changes and admin changes. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  /** The whole trail for an administrator bound to no region; else its region's part. */
  @Get()
  list(@Query() query: AuditQueryDto, @CurrentUser() user: AuthUser): Promise<AuditPage> {
    return this.reader.list(query, user.regionPath);
  }
}
