import { IsPlainText } from '@app/http';
import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { STAFF_ROLES } from './roles';
import type { Role, StaffRole } from './roles';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const USERNAME_MESSAGE = 'username must be 3-32 letters, digits, _ . or -';

export class LoginDto {
  // Looser than USERNAME (an account's name is checked when it is made, not at each login),
  // but plain text: a NUL would reach PostgreSQL, which refuses it.
  @ApiProperty()
  @IsString()
  @Length(1, 64)
  @IsPlainText()
  username!: string;

  // Any character: a password is only hashed and compared, never stored or queried as text.
  @ApiProperty()
  @IsString()
  @Length(1, 128)
  password!: string;
}

class NewAccountFields {
  @ApiProperty({ example: 'zhang.san' })
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128, { message: 'password must be 8-128 characters' })
  password!: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @Length(1, 50)
  @Matches(/^\S(.*\S)?$/, { message: 'name must not start or end with spaces' })
  @IsPlainText()
  name!: string;
}

export class RegisterDto extends NewAccountFields {
  @ApiProperty({ example: '11010519491231002X', description: '18-character resident ID number' })
  @IsString()
  @IsPlainText()
  idNumber!: string;

  @ApiProperty({ example: '13800138000' })
  @Matches(/^1[3-9]\d{9}$/, { message: 'phone must be an 11-digit mainland mobile number' })
  phone!: string;
}

export class CreateStaffDto extends NewAccountFields {
  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role!: StaffRole;

  @ApiProperty({
    required: false,
    description: 'The region the account acts in; required for reviewers',
  })
  @IsOptional()
  @IsUUID()
  regionId?: string;
}

export class UpdateUserDto {
  @ApiProperty({ required: false })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export interface UserView {
  id: string;
  username: string;
  name: string;
  role: Role;
  regionId: string | null;
  disabled: boolean;
}
