import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditedChange } from '@app/audit';
import { ParseUuid } from '@app/http';
import { Roles, CreateStaffDto, UpdateUserDto, UserView, UsersService } from '@app/access';

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
  create(@Body() dto: CreateStaffDto): Promise<UserView> {
    return this.users.createStaff(dto);
  }

  @Get()
  list(): Promise<UserView[]> {
    return this.users.list();
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
  ): Promise<UserView> {
    return this.users.update(id, dto);
  }
}
