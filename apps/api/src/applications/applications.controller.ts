import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { idempotencyKey, NoBodyPipe, ParseUuid } from '@app/http';
import {
  ApplicationBodyDto,
  ApplicationsService,
  ApplicationView,
  ListApplicationsQueryDto,
} from '@app/applications';
import { WorkflowCommands } from '@app/workflow';
import { AuthUser, CurrentUser, Roles } from '@app/access';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly commands: WorkflowCommands,
  ) {}

  @Post()
  @Roles('applicant')
  create(
    @CurrentUser() user: AuthUser,
    @Body() body: ApplicationBodyDto,
  ): Promise<ApplicationView> {
    return this.applications.create(user, body);
  }

  @Put(':id')
  @Roles('applicant')
  replace(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body() body: ApplicationBodyDto,
  ): Promise<ApplicationView> {
    return this.applications.replace(user, id, body);
  }

  @Get()
  list(@CurrentUser() user: AuthUser, @Query() query: ListApplicationsQueryDto) {
    return this.applications.list(user, query);
  }

  @Get(':id')
  get(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
  ): Promise<ApplicationView> {
    return this.applications.view(user, id);
  }

  @Post(':id/submit')
  @Roles('applicant')
  @HttpCode(200)
  submit(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body(new NoBodyPipe()) _body: undefined,
    @Headers('idempotency-key') key?: string,
  ): Promise<ApplicationView> {
    return this.commands.submit(user, id, idempotencyKey(key));
  }

  @Post(':id/withdraw')
  @Roles('applicant')
  @HttpCode(200)
  withdraw(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUuid()) id: string,
    @Body(new NoBodyPipe()) _body: undefined,
    @Headers('idempotency-key') key?: string,
  ): Promise<ApplicationView> {
    return this.commands.withdraw(user, id, idempotencyKey(key));
  }
}
