import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { AlertsQueryDto, AlertsService } from '@app/workflow';

@ApiTags('review')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /**
   * Overdue reviews raised to the caller's level, inside their region; to
   * administrators, also the timers the engine refused (see raiseRefusedTimerAlert);
   * `kind` keeps one kind.
   */
  @Get()
  @Roles('community_reviewer', 'town_reviewer', 'bureau_reviewer', 'admin')
  list(@CurrentUser() user: AuthUser, @Query() query: AlertsQueryDto) {
    return this.alerts.list(user, query);
  }
}
