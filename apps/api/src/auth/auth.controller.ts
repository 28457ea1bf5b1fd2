import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthService, LoginResult, Public, LoginDto, RegisterDto, UserView } from '@app/access';
import { requestContextOf } from '@app/audit';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @ApiTooManyRequestsResponse({
    description: 'RATE_LIMITED: too many registrations from this client; see Retry-After',
  })
  register(@Body() dto: RegisterDto, @Req() req: Request): Promise<UserView> {
    return this.auth.register(dto, req.ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiTooManyRequestsResponse({
    description:
      'RATE_LIMITED: too many failed logins for this username or client; see Retry-After',
  })
  login(@Body() dto: LoginDto, @Req() req: Request): Promise<LoginResult> {
    return this.auth.login(dto.username, dto.password, {
      address: req.ip,
      request: requestContextOf(req),
    });
  }
}
