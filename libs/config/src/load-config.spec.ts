import { trustProxySetting } from './app-config';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.clock).toBe('system');
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/housing');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(config.noticeFirstDayExcluded).toBe(true);
    expect(config.httpKeepAliveSeconds).toBe(65);
  });

  it('reads and converts the values it is given', () => {
    const config = loadConfig({ PORT: '8080', CLOCK: 'manual', NOTICE_EXTEND_TO_WORKDAY: 'false' });
    expect(config.port).toBe(8080);
    expect(config.clock).toBe('manual');
    expect(config.noticeExtendToWorkday).toBe(false);
  });

  it.each([
    ['PORT', 'eighty', /PORT="eighty"/],
    ['PORT', '70000', /PORT=70000/],
    ['CLOCK', 'sundial', /CLOCK="sundial"/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL/],
    ['NOTICE_FIRST_DAY_EXCLUDED', 'yes', /NOTICE_FIRST_DAY_EXCLUDED/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['HTTP_KEEP_ALIVE_SECONDS', '0', /HTTP_KEEP_ALIVE_SECONDS=0/],
    ['HTTP_KEEP_ALIVE_SECONDS', '121', /HTTP_KEEP_ALIVE_SECONDS=121/],
  ])('refuses %s=%s with a message naming the variable', (name, value, pattern) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(pattern);
  });

  it('requires a long JWT_SECRET in production and never prints it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required/);
    expect(() => loadConfig({ JWT_SECRET: 'short-secret' })).toThrow(/JWT_SECRET=\*\*\*/);
  });

  it('gives the rate limits, the eviction policy rule and TRUST_PROXY their documented defaults', () => {
    const config = loadConfig({});
    expect({
      perUsername: config.loginRateLimitPerUsername,
      perIp: config.loginRateLimitPerIp,
      loginWindow: config.loginRateWindowSeconds,
      objections: config.objectionRateLimit,
      objectionWindow: config.objectionRateWindowSeconds,
      eviction: config.redisEvictionPolicy,
      trustProxy: trustProxySetting(config),
    }).toEqual({
      perUsername: 5,
      perIp: 30,
      loginWindow: 900,
      objections: 10,
      objectionWindow: 3600,
      eviction: 'refuse',
      trustProxy: false,
    });
  });

  it.each([
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
  ])('reads TRUST_PROXY=%p as %p', (value, expected) => {
    expect(trustProxySetting(loadConfig({ TRUST_PROXY: value }))).toEqual(expected);
  });

  it.each([
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', 'everyone'],
    ['REDIS_EVICTION_POLICY', 'ignore'],
    ['LOGIN_RATE_LIMIT_PER_USERNAME', '0'],
    ['LOGIN_RATE_WINDOW_SECONDS', 'soon'],
    ['OBJECTION_RATE_LIMIT', '-3'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('requires ADMIN_PASSWORD with ADMIN_USERNAME', () => {
    expect(() => loadConfig({ ADMIN_USERNAME: 'root' })).toThrow(/ADMIN_PASSWORD is required/);
  });
});
