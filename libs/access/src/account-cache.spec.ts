import { AccountCache } from './account-cache';
import { AuthUser } from './auth-user';

const account = (id: string): AuthUser => ({
  id,
  username: `user-${id}`,
  name: `User ${id}`,
  role: 'community_reviewer',
  regionId: 'r',
  regionPath: '/c/t/r/',
});

/** A cache on a clock the test moves. */
function cacheAt(ttlMs: number, maxEntries?: number) {
  let now = 1_000;
  const cache = new AccountCache(ttlMs, () => now, maxEntries);
  return {
    cache,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('AccountCache', () => {
  it('answers an account it read until its TTL runs out, then not', () => {
    const { cache, advance } = cacheAt(5_000);
    cache.set(account('a'), cache.generation());
    advance(4_999);
    expect(cache.get('a')).toEqual(account('a'));
    advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with a TTL of 0', () => {
    const { cache } = cacheAt(0);
    const answered = cache.set(account('a'), cache.generation());
    expect(cache.get('a')).toBeUndefined();
    expect(Object.isFrozen(answered)).toBe(true); // frozen whether kept or not
  });

  it('hands out a frozen copy, so no request can change what the next one sees', () => {
    const { cache } = cacheAt(5_000);
    const read = account('a');
    cache.set(read, cache.generation());
    read.role = 'admin';
    const cached = cache.get('a')!;
    expect(cached.role).toBe('community_reviewer');
    expect(Object.isFrozen(cached)).toBe(true);
  });

  it('drops an account that changed, at once', () => {
    const { cache } = cacheAt(5_000);
    cache.set(account('a'), cache.generation());
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('does not store a read that began before a change and ended after it', () => {
    const { cache } = cacheAt(5_000);
    const readSince = cache.generation();
    cache.forget('a'); // the account is disabled while the read is under way
    cache.set(account('a'), readSince);
    expect(cache.get('a')).toBeUndefined();
    cache.set(account('a'), cache.generation()); // a read begun after the change is stored
    expect(cache.get('a')).toBeDefined();
  });

  it('keeps at most its bound, dropping the oldest first', () => {
    const { cache } = cacheAt(5_000, 2);
    for (const id of ['a', 'b', 'c']) cache.set(account(id), cache.generation());
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('drops expired entries as new ones come in, without being asked for them', () => {
    const { cache, advance } = cacheAt(5_000);
    cache.set(account('a'), cache.generation());
    cache.set(account('b'), cache.generation());
    advance(5_000);
    cache.set(account('c'), cache.generation());
    expect(cache.size).toBe(1);
  });

  it('restarts the TTL of an account stored again', () => {
    const { cache, advance } = cacheAt(5_000);
    cache.set(account('a'), cache.generation());
    cache.set(account('b'), cache.generation());
    advance(3_000);
    cache.set(account('a'), cache.generation());
    advance(3_000);
    cache.set(account('c'), cache.generation()); // b expired; a, stored again, did not
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
  });
});
