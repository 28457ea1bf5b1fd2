import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedChange } from '@app/audit';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { ParseUuid } from '@app/http';
import {
  AcknowledgeAlertDto,
  AcknowledgedAlert,
  AlertsQueryDto,
  AlertsService,
  AlertView,
} from '@app/workflow';

@ApiTags('review')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /**
   * Overdue reviews raised to the caller's level, inside their region; to
   * administrators, also the timers the engine refused (see raiseRefusedTimerAlert);
   * `kind` keeps one kind, `acknowledged` the acknowledged or the open ones.
   */
  @Get()
  @Roles('community_reviewer', 'town_reviewer', 'bureau_reviewer', 'admin')
  list(@CurrentUser() user: AuthUser, @Query() query: AlertsQueryDto): Promise<AlertView[]> {
    return this.alerts.list(user, query);
  }

  /**
   * Someone the alert was raised to takes it in hand, once (see
   * AlertsService.acknowledge). No alert is ever raised to a community (its
   * overdue reviews go to the town), so its reviewers have nothing to acknowledge.
   */
  @Post(':id/acknowledgement')
  @HttpCode(200)
  @Roles('town_reviewer', 'bureau_reviewer', 'admin')
  @AuditedChange<AcknowledgedAlert>({
    action: 'alert.acknowledged',
    target: ({ params }) => ({ type: 'alert', id: params.id }),
    // Codes only: the note is free text and may name people.
    detail: ({ result }) => ({
      kind: result.kind,
      level: result.level,
      acknowledgedNow: result.acknowledgedNow,
    }),
  })
  acknowledge(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body() body: AcknowledgeAlertDto,
  ): Promise<AcknowledgedAlert> {
    return this.alerts.acknowledge(user, id, body);
  }
}
