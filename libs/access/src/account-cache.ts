import { AuthUser } from './auth-user';

/** Accounts kept at most; past it the oldest entry goes first. */
export const ACCOUNT_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  user: Readonly<AuthUser>;
  expiresAt: number;
}

/**
 * The enabled accounts this process read in the last few seconds. Every
 * authenticated request reads its caller's account (enabled? which role and
 * region?), and that read was one of a GET's three statements.
 *
 * How long a change can go unseen:
 * - disabled through this process: not at all, `forget` drops the entry, and
 *   a read that began before it is not stored (the generation moved on);
 * - disabled through another API process, or in the database directly: up to
 *   the TTL (`ACCOUNT_CACHE_SECONDS`, 0 reads the account on every request).
 *
 * Entries are kept in insertion order, and every entry lives the same TTL, so
 * the oldest, first in the map, are the first to expire.
 */
export class AccountCache {
  private readonly entries = new Map<string, Entry>();
  private currentGeneration = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxEntries = ACCOUNT_CACHE_MAX_ENTRIES,
  ) {}

  /** Taken before reading an account; `set` stores the read only if no `forget` came between. */
  generation(): number {
    return this.currentGeneration;
  }

  get(id: string): Readonly<AuthUser> | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.user;
    this.entries.delete(id);
    return undefined;
  }

  /**
   * Stores an account read since `generation`, unless a `forget` came between;
   * answers the frozen copy that requests share.
   */
  set(user: AuthUser, readSince: number): Readonly<AuthUser> {
    const frozen = Object.freeze({ ...user });
    if (this.ttlMs <= 0 || readSince !== this.currentGeneration) return frozen;
    const now = this.now();
    this.entries.delete(user.id);
    this.entries.set(user.id, { user: frozen, expiresAt: now + this.ttlMs });
    this.evict(now);
    return frozen;
  }

  /** The account changed: the next request reads it again, and so does any read under way. */
  forget(id: string): void {
    this.currentGeneration += 1;
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size <= this.maxEntries) return;
      this.entries.delete(id);
    }
  }
}
