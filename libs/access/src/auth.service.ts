import { Injectable } from '@nestjs/common';
import { AuditLog, AuditRequest } from '@app/audit';
import { shanghaiDateOf } from '@app/calendar';
import { Clock } from '@app/clock';
import { validateResidentId } from '@app/domain';
import { AppError, isDependencyOutage } from '@app/http';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { RegistrationThrottle } from './registration-throttle';
import { RegisterDto, UserView } from './user.dto';
import { TokenService } from './token.service';
import { User } from './user.entity';
import { toUserView, UsersService } from './users.service';

/** Where a login came from: the client address for the limits, and both for the audit trail. */
export interface LoginOrigin {
  address: string | undefined;
  request: AuditRequest;
}

export interface LoginResult {
  accessToken: string;
  user: Pick<UserView, 'id' | 'username' | 'role' | 'regionId'>;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottle,
    private readonly registrations: RegistrationThrottle,
    private readonly audit: AuditLog,
  ) {}

  /**
   * An applicant account; the resident ID number must be valid (GB 11643), or
   * 400 with every issue. Each attempt counts against the client's address
   * first (`address`: the HTTP client's; undefined for the service's own
   * callers, the demo seed and the simulator, which count under one key).
   */
  async register(dto: RegisterDto, address: string | undefined): Promise<UserView> {
    await this.registrations.admit(address);
    const id = validateResidentId(dto.idNumber, { today: shanghaiDateOf(this.clock.now()) });
    if (!id.ok) {
      throw AppError.badRequest(
        'VALIDATION_FAILED',
        'idNumber is not a valid resident ID number',
        id.issues.map((i) => ({ code: i.code, field: 'idNumber', message: i.message })),
      );
    }
    const user = await this.users.insert({
      username: dto.username,
      passwordHash: await this.hasher.hash(dto.password),
      name: dto.name,
      role: 'applicant',
      idNumber: dto.idNumber,
      phone: dto.phone,
      regionId: null,
    });
    return toUserView(user);
  }

  /**
   * One answer for an unknown user, a wrong password and a disabled account.
   * Each login leaves one audit record: `auth.login.succeeded` (written before
   * the token is issued: no record, no token) or `auth.login.failed`; a login
   * refused by the rate limit is recorded as a denial (429) by the filter.
   */
  async login(username: string, password: string, origin: LoginOrigin): Promise<LoginResult> {
    const attempt = await this.throttle.admit(username, origin.address);
    const user = await this.users.findForLogin(username).catch(async (error: unknown) => {
      // No password was tested: the attempt does not count, and the client may repeat it.
      if (!isDependencyOutage(error)) throw error;
      await this.throttle.giveBack(attempt).catch(() => undefined);
      throw AppError.serviceUnavailable();
    });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !ok || user.disabled) {
      await this.recordFailure(user, ok, origin);
      throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password').markAudited();
    }
    await this.throttle.giveBack(attempt);
    await this.audit.record({
      action: 'auth.login.succeeded',
      outcome: 'succeeded',
      actor: { id: user.id, role: user.role },
      target: { type: 'user', id: user.id },
      request: origin.request,
    });
    return {
      accessToken: await this.tokens.sign(user.id),
      user: { id: user.id, username: user.username, role: user.role, regionId: user.regionId },
    };
  }

  /**
   * The username typed is not kept: it is often a password typed in the wrong
   * field, or someone else's name. An existing account is named by its id.
   */
  private recordFailure(user: User | null, passwordOk: boolean, origin: LoginOrigin) {
    const reason = !user ? 'unknown_account' : !passwordOk ? 'wrong_password' : 'account_disabled';
    return this.audit.record({
      action: 'auth.login.failed',
      outcome: 'failed',
      target: user ? { type: 'user', id: user.id } : null,
      request: origin.request,
      detail: { reason },
    });
  }
}
