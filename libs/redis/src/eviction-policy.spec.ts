import { judgeEvictionPolicy, readEvictionPolicy } from './eviction-policy';

type Fake = Parameters<typeof readEvictionPolicy>[0];

const redisAnswering = (config: () => Promise<unknown>, info: () => Promise<string>): Fake => ({
  config,
  info,
});
const refuse = (message: string) => () => Promise.reject(new Error(message));

describe('reading the eviction policy', () => {
  it('takes CONFIG GET when Redis answers it', async () => {
    const redis = redisAnswering(
      () => Promise.resolve(['maxmemory-policy', 'volatile-lru']),
      () => Promise.resolve('maxmemory_policy:noeviction\r\n'),
    );
    await expect(readEvictionPolicy(redis)).resolves.toEqual({
      policy: 'volatile-lru',
      source: 'CONFIG',
    });
  });

  it('falls back to INFO memory when CONFIG is refused (managed Redis, ACL)', async () => {
    const redis = redisAnswering(refuse("ERR unknown command 'CONFIG'"), () =>
      Promise.resolve('# Memory\r\nused_memory:1\r\nmaxmemory_policy:allkeys-lru\r\n'),
    );
    await expect(readEvictionPolicy(redis)).resolves.toEqual({
      policy: 'allkeys-lru',
      source: 'INFO',
    });
  });

  it('says why when neither CONFIG nor INFO tells', async () => {
    const redis = redisAnswering(refuse('NOPERM config'), refuse('NOPERM info'));
    const reading = await readEvictionPolicy(redis);
    expect(reading).toEqual({
      policy: null,
      reason: expect.stringMatching(/NOPERM config.*NOPERM info/),
    });
  });
});

describe('judging the eviction policy', () => {
  it.each(['refuse', 'warn'] as const)('accepts noeviction in %s mode', (mode) => {
    expect(judgeEvictionPolicy({ policy: 'noeviction', source: 'CONFIG' }, mode).level).toBe('ok');
  });

  it.each(['allkeys-lru', 'volatile-ttl', 'allkeys-random'])(
    'refuses %s by default, naming it and the way out',
    (policy) => {
      const verdict = judgeEvictionPolicy({ policy, source: 'CONFIG' }, 'refuse');
      expect(verdict.level).toBe('refuse');
      expect(verdict.message).toContain(`"${policy}"`);
      expect(verdict.message).toContain('REDIS_EVICTION_POLICY=warn');
    },
  );

  it('only warns about an evicting policy in warn mode', () => {
    expect(judgeEvictionPolicy({ policy: 'allkeys-lru', source: 'INFO' }, 'warn').level).toBe(
      'warn',
    );
  });

  it.each(['refuse', 'warn'] as const)(
    'warns (does not refuse) in %s mode when the policy cannot be read',
    (mode) => {
      const verdict = judgeEvictionPolicy({ policy: null, reason: 'CONFIG GET: NOPERM' }, mode);
      expect(verdict).toEqual({ level: 'warn', message: expect.stringMatching(/NOPERM/) });
    },
  );
});
