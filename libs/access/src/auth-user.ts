import type { Role } from './roles';

/** Who is calling, as read from the database (at most ACCOUNT_CACHE_SECONDS ago: UsersService). */
export interface AuthUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  regionId: string | null;
  /** Materialised path of the user's region; null means the whole service (bootstrap admin). */
  regionPath: string | null;
}
