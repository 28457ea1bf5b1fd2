import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppError } from '@app/http';
import { RegionsService } from '@app/regions';
import { AuthUser } from './auth-user';
import { PasswordHasher } from './password-hasher';
import { isReviewer, REVIEWER_SCOPE } from './roles';
import { CreateStaffDto, UpdateUserDto, UserView } from './user.dto';
import { User } from './user.entity';

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    role: u.role,
    regionId: u.regionId,
    disabled: u.disabled,
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly regions: RegionsService,
    private readonly hasher: PasswordHasher,
  ) {}

  async findActiveAuthUser(id: string): Promise<AuthUser | null> {
    const rows: (Omit<AuthUser, 'regionPath'> & { regionPath: string | null })[] =
      await this.users.query(
        `SELECT u.id, u.username, u.name, u.role, u.region_id AS "regionId", r.path AS "regionPath"
           FROM users u LEFT JOIN regions r ON r.id = u.region_id
          WHERE u.id = $1 AND NOT u.disabled`,
        [id],
      );
    return rows[0] ?? null;
  }

  /** The user with its password hash, for login only. */
  findForLogin(username: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
  }

  async createStaff(dto: CreateStaffDto): Promise<UserView> {
    if (isReviewer(dto.role)) {
      const { regionLevel } = REVIEWER_SCOPE[dto.role];
      if (!dto.regionId) {
        throw AppError.unprocessable(
          'REGION_REQUIRED',
          `A ${dto.role} must be bound to a ${regionLevel}`,
        );
      }
      await this.regions.requireLevel(dto.regionId, regionLevel, 'REGION_LEVEL_MISMATCH');
    } else if (dto.regionId) {
      await this.regions.requireLevel(dto.regionId, 'county', 'REGION_LEVEL_MISMATCH');
    }
    const user = await this.insert({
      username: dto.username,
      passwordHash: await this.hasher.hash(dto.password),
      name: dto.name,
      role: dto.role,
      regionId: dto.regionId ?? null,
    });
    return toUserView(user);
  }

  /** Inserts, turning a unique-constraint race into the same 409 as the pre-check. */
  async insert(fields: Partial<User>): Promise<User> {
    if (fields.username && (await this.users.exist({ where: { username: fields.username } }))) {
      throw usernameTaken();
    }
    try {
      return await this.users.save(this.users.create(fields));
    } catch (e) {
      const constraint = (e as { constraint?: string }).constraint;
      if (constraint === 'users_username_key') throw usernameTaken();
      if (constraint === 'users_id_number_key') {
        throw AppError.conflict('ID_NUMBER_REGISTERED', 'An account with this ID number exists');
      }
      throw e;
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.users.find({ order: { createdAt: 'ASC' } })).map(toUserView);
  }

  /** Applies only the fields given; an empty change returns the user as it is. */
  async update(id: string, changes: UpdateUserDto): Promise<UserView> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw AppError.notFound('User');
    if (changes.disabled === undefined) return toUserView(user);
    user.disabled = changes.disabled;
    return toUserView(await this.users.save(user));
  }

  /** Creates the bootstrap administrator once (its id); an existing user of that name is left alone (null). */
  async ensureAdmin(username: string, password: string): Promise<string | null> {
    if (await this.users.exist({ where: { username } })) return null;
    try {
      const admin = await this.insert({
        username,
        passwordHash: await this.hasher.hash(password),
        name: username,
        role: 'admin',
        regionId: null,
      });
      return admin.id;
    } catch (e) {
      // Another process starting at the same moment created it first.
      if (e instanceof AppError && e.code === 'USERNAME_TAKEN') return null;
      throw e;
    }
  }
}

function usernameTaken(): AppError {
  return AppError.conflict('USERNAME_TAKEN', 'This username is taken');
}
