import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { AppConfig } from '@app/config';
import { AppError } from '@app/http';
import { RegionsService } from '@app/regions';
import { AccountCache } from './account-cache';
import { AuthUser } from './auth-user';
import { assertServiceWide, hasServiceWideReach, inJurisdiction } from './jurisdiction';
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
  private readonly activeAccounts: AccountCache;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly regions: RegionsService,
    private readonly hasher: PasswordHasher,
    config: AppConfig,
  ) {
    this.activeAccounts = new AccountCache(config.accountCacheSeconds * 1000);
  }

  /**
   * The enabled account of this id, as every authenticated request needs it:
   * read from the database at most once per ACCOUNT_CACHE_SECONDS (see
   * AccountCache for how soon a disabled account is shut out). Unknown and
   * disabled accounts are never cached.
   */
  async findActiveAuthUser(id: string): Promise<Readonly<AuthUser> | null> {
    const cached = this.activeAccounts.get(id);
    if (cached) return cached;
    const readSince = this.activeAccounts.generation();
    const rows: (Omit<AuthUser, 'regionPath'> & { regionPath: string | null })[] =
      await this.users.query(
        `SELECT u.id, u.username, u.name, u.role, u.region_id AS "regionId", r.path AS "regionPath"
           FROM users u LEFT JOIN regions r ON r.id = u.region_id
          WHERE u.id = $1 AND NOT u.disabled`,
        [id],
      );
    // Frozen whether cached or not, so code that would change it fails on the first request.
    return rows[0] ? this.activeAccounts.set(rows[0], readSince) : null;
  }

  /** The user with its password hash, for login only. */
  findForLogin(username: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
  }

  /**
   * A staff account made by an administrator, inside its reach: one bound to a
   * county makes accounts inside it only. A region outside is absent (404), and
   * an account bound to no region (an administrator of the whole service) is
   * beyond it (403).
   */
  async createStaffAs(by: AuthUser, dto: CreateStaffDto): Promise<UserView> {
    const region = dto.regionId ? await this.regions.findById(dto.regionId) : null;
    // An unknown region stays createStaff's 422; one that exists outside the caller's reach is absent.
    if (region && !inJurisdiction(by, region.path)) throw AppError.notFound('Region');
    if (!dto.regionId && !isReviewer(dto.role)) {
      assertServiceWide(by, 'create an administrator bound to no region');
    }
    return this.createStaff(dto);
  }

  /** A staff account, with no caller to confine it: the demo seed's, and createStaffAs once it has checked. */
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

  /** Every account for an administrator of the whole service; else the accounts bound inside its region. */
  async list(by: AuthUser): Promise<UserView[]> {
    const q = this.users.createQueryBuilder('u').orderBy('u.createdAt', 'ASC');
    if (!hasServiceWideReach(by)) this.withinRegionOf(q, by);
    return (await q.getMany()).map(toUserView);
  }

  /**
   * Applies only the fields given; an empty change returns the user as it is.
   * An account outside the caller's reach (see list) is absent.
   */
  async update(id: string, changes: UpdateUserDto, by: AuthUser): Promise<UserView> {
    const q = this.users.createQueryBuilder('u').where('u.id = :id', { id });
    if (!hasServiceWideReach(by)) this.withinRegionOf(q, by);
    const user = await q.getOne();
    if (!user) throw AppError.notFound('User');
    if (changes.disabled === undefined) return toUserView(user);
    user.disabled = changes.disabled;
    try {
      return toUserView(await this.users.save(user));
    } finally {
      // After the write, even one whose answer was lost: a read that began before it is not stored either.
      this.activeAccounts.forget(id);
    }
  }

  /**
   * Narrows to accounts bound inside the caller's region. Applicants and
   * accounts bound to no region belong to no county: only an administrator of
   * the whole service reaches them.
   */
  private withinRegionOf(q: SelectQueryBuilder<User>, by: AuthUser): void {
    q.andWhere(`u.regionId IN (SELECT r.id FROM regions r WHERE r.path LIKE :scope)`, {
      // A caller with no region and no service-wide reach matches nothing.
      scope: by.regionPath === null ? '/none/' : `${by.regionPath}%`,
    });
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
