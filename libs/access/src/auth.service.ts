import { Injectable } from '@nestjs/common';
import { shanghaiDateOf } from '@app/calendar';
import { Clock } from '@app/clock';
import { validateResidentId } from '@app/domain';
import { AppError } from '@app/http';
import { PasswordHasher } from './password-hasher';
import { RegisterDto, UserView } from './user.dto';
import { TokenService } from './token.service';
import { toUserView, UsersService } from './users.service';

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
  ) {}

  /** An applicant account; the resident ID number must be valid (GB 11643), or 400 with every issue. */
  async register(dto: RegisterDto): Promise<UserView> {
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

  /** One answer for an unknown user, a wrong password and a disabled account. */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.users.findForLogin(username);
    const ok = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (!user || !ok || user.disabled) {
      throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong username or password');
    }
    return {
      accessToken: await this.tokens.sign(user.id),
      user: { id: user.id, username: user.username, role: user.role, regionId: user.regionId },
    };
  }
}
