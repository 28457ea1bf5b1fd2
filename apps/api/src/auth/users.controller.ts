import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedChange } from '@app/audit';
import { ParseUuid } from '@app/http';
import {
  AuthUser,
  CreateStaffDto,
  CurrentUser,
  Roles,
  UpdateUserDto,
  UserView,
  UsersService,
} from '@app/access';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @AuditedChange<UserView>({
    action: 'admin.user.created',
    target: ({ result }) => ({ type: 'user', id: result.id }),
    // Role and region only: the username and name identify a person.
    detail: ({ result }) => ({ role: result.role, regionId: result.regionId }),
  })
  create(@Body() dto: CreateStaffDto, @CurrentUser() user: AuthUser): Promise<UserView> {
    return this.users.createStaffAs(user, dto);
  }

  /** An administrator bound to a county lists the accounts bound inside it. */
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<UserView[]> {
    return this.users.list(user);
  }

  @Patch(':id')
  @AuditedChange<UserView>({
    action: 'admin.user.updated',
    target: ({ params }) => ({ type: 'user', id: params.id }),
    detail: ({ result }) => ({ disabled: result.disabled }),
  })
  async update(
    @Param('id', ParseUuid()) id: string,
    @Body() dto: UpdateUserDto,
    @CurrentUser() user: AuthUser,
  ): Promise<UserView> {
    return this.users.update(id, dto, user);
  }
}
