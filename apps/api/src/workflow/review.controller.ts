import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '@app/access';
import { ApplicationView } from '@app/applications';
import { idempotencyKey, ParseUuid } from '@app/http';
import { DecisionDto, HistoryService, ResolutionDto, WorkflowCommands } from '@app/workflow';
import { SignedOpinionDto } from '@app/workflow';

const REVIEWERS = ['community_reviewer', 'town_reviewer', 'bureau_reviewer'] as const;

@ApiTags('review')
@ApiBearerAuth()
@Controller('applications/:id')
export class ReviewController {
  constructor(
    private readonly commands: WorkflowCommands,
    private readonly history: HistoryService,
  ) {}

  @Post('decisions')
  @Roles(...REVIEWERS)
  @HttpCode(200)
  decide(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body() dto: DecisionDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<ApplicationView> {
    return this.commands.decide(user, id, dto, idempotencyKey(key));
  }

  @Post('objections/:objectionId/resolution')
  @Roles(...REVIEWERS)
  @HttpCode(200)
  resolve(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Param('objectionId', ParseUuid()) objectionId: string,
    @Body() dto: ResolutionDto,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.commands.resolveObjection(user, id, objectionId, dto, idempotencyKey(key));
  }

  /** Dynamic management (动态管理): the bureau revokes an approved household. */
  @Post('revocation')
  @Roles('bureau_reviewer')
  @HttpCode(200)
  revoke(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body() dto: SignedOpinionDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<ApplicationView> {
    return this.commands.revoke(user, id, dto, idempotencyKey(key));
  }

  /** Dynamic management: a changed circumstance of an approved household, recorded in its history. */
  @Post('changes')
  @Roles('bureau_reviewer')
  @HttpCode(200)
  recordChange(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body() dto: SignedOpinionDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<ApplicationView> {
    return this.commands.recordChange(user, id, dto, idempotencyKey(key));
  }

  @Get('history')
  listHistory(@CurrentUser() user: AuthUser, @Param('id', ParseUuid()) id: string) {
    return this.history.list(user, id);
  }

  @Get('history/verify')
  verifyHistory(@CurrentUser() user: AuthUser, @Param('id', ParseUuid()) id: string) {
    return this.history.verify(user, id);
  }
}
