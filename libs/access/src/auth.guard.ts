import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, markPastGuards } from '@app/http';
import { AuthUser } from './auth-user';
import { IS_PUBLIC, RequestWithUser } from './decorators';
import { assertServiceWide } from './jurisdiction';
import { ROLES_KEY, SERVICE_WIDE_KEY } from './roles.decorator';
import type { Role } from './roles';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

/**
 * Global guard: every route needs a valid bearer token of an enabled account
 * unless it is @Public(); @Roles() then narrows who may call it (403 otherwise),
 * and @ServiceWide() to an administrator bound to no region.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    if (!this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      const user = await this.authenticate(request.headers.authorization);
      request.user = user;

      const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
      if (roles && !roles.includes(user.role)) throw AppError.forbidden();
      if (this.reflector.getAllAndOverride<boolean>(SERVICE_WIDE_KEY, targets)) {
        assertServiceWide(user, 'change what every county shares');
      }
    }
    // From here the handler may write: an outage is no longer safely repeated (AllExceptionsFilter).
    markPastGuards(request);
    return true;
  }

  private async authenticate(header: string | undefined): Promise<AuthUser> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header ?? '');
    if (!match) throw AppError.unauthorized('A bearer token is required');
    const claims = await this.tokens.verify(match[1]);
    const user = claims ? await this.users.findActiveAuthUser(claims.sub) : null;
    if (!user) throw AppError.unauthorized('The token is invalid or expired');
    return user;
  }
}
