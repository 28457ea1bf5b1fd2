import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** Below Node's 300 s request timeout, which the headers' timeout must not exceed. */
export const HTTP_KEEP_ALIVE_MAX_SECONDS = 120;

export const CLOCK_MODES = ['system', 'manual'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];

export const EVICTION_POLICY_MODES = ['refuse', 'warn'] as const;
export type EvictionPolicyMode = (typeof EVICTION_POLICY_MODES)[number];

/** Rate limits: a sliding window per key, counted in Redis so that every process shares it. */
export const DEFAULT_LOGIN_LIMIT_PER_USERNAME = 5;
export const DEFAULT_LOGIN_LIMIT_PER_IP = 30;
export const DEFAULT_LOGIN_WINDOW_SECONDS = 15 * 60;
export const DEFAULT_REGISTRATION_LIMIT_PER_IP = 30;
export const DEFAULT_REGISTRATION_WINDOW_SECONDS = 3600;
export const DEFAULT_OBJECTION_LIMIT = 10;
export const DEFAULT_OBJECTION_WINDOW_SECONDS = 3600;
export const DEFAULT_REVIEW_DEADLINE_GRACE_SECONDS = 60;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/**
 * Every setting the service reads, with its default. Built once from the
 * environment by `loadConfig`; nothing else in the code base reads process.env.
 * Names of the contract (api.md, "Running") keep their names; the project's own
 * are documented in `.env.example`.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  nodeEnv: 'development' | 'test' | 'production' = 'development';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  databaseUrl = 'postgres://postgres@127.0.0.1:5432/housing';

  /**
   * Send parameterised statements as named prepared statements, parsed once
   * per connection (`NamedStatementClient`). Off for a connection pooler that
   * does not keep them across transactions (PgBouncer's transaction mode
   * before 1.21).
   */
  @Transform(toBool)
  @IsIn([true, false], { message: 'DATABASE_NAMED_STATEMENTS must be true or false' })
  databaseNamedStatements = true;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  redisUrl = 'redis://127.0.0.1:6379/0';

  /** Prefix of every Redis key (queues, rate limits, pub/sub), so that tests and a demo can share one Redis. */
  @Matches(/^[a-z][a-z0-9-]{0,30}$/, {
    message: 'REDIS_PREFIX must be lowercase letters, digits and dashes',
  })
  redisPrefix = 'hs';

  /**
   * What to do when Redis may evict keys (maxmemory-policy other than noeviction):
   * `refuse` to start (queued transitions and timers would vanish silently), or only `warn`.
   */
  @IsIn(EVICTION_POLICY_MODES)
  redisEvictionPolicy: EvictionPolicyMode = 'refuse';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 3000;

  /**
   * How long an idle keep-alive connection is held open. Longer than the idle
   * timeout of the proxy in front (nginx's upstream keepalive_timeout and most
   * load balancers: 60 s), so that the proxy, not Node, closes an idle
   * connection: with Node's 5 s a request the proxy sends just as Node closes
   * is reset, and its client gets a 502 for a request that may have been
   * applied.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(HTTP_KEEP_ALIVE_MAX_SECONDS)
  httpKeepAliveSeconds = 65;

  /**
   * Express' `trust proxy`: which proxies' X-Forwarded-For to believe for the client
   * address (rate limits, audit). `false` (the socket's address), a hop count, or a
   * comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal.
   * `true` is refused: any client could then choose its own address.
   */
  @Matches(
    /^(false|\d{1,2}|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?))*)$/,
    {
      message:
        'TRUST_PROXY must be false, a hop count, or a list of addresses, subnets or loopback/linklocal/uniquelocal',
    },
  )
  trustProxy = 'false';

  @IsIn(CLOCK_MODES)
  clock: ClockMode = 'system';

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{3,32}$/, {
    message: 'ADMIN_USERNAME must be 3-32 letters, digits, _ . -',
  })
  adminUsername?: string;

  @ValidateIf((c: AppConfig) => c.adminUsername !== undefined)
  @IsString({ message: 'ADMIN_PASSWORD is required when ADMIN_USERNAME is set' })
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  adminPassword?: string;

  @IsString()
  @MinLength(1)
  uploadDir = './var/uploads';

  /**
   * Households above which a register download is not streamed at once but
   * queued as an export job (202 with the job), so a large county's register
   * never ties up a request; the job reports its progress and keeps the file.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  registerDirectLimit = 20_000;

  /** HMAC key of access tokens. Required in production; elsewhere a random one per process is made. */
  @ValidateIf((c: AppConfig) => c.nodeEnv === 'production' || c.jwtSecret !== undefined)
  @IsString({ message: 'JWT_SECRET is required in production' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  jwtSecret?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  jwtTtlSeconds = 8 * 3600;

  /**
   * How long an API process trusts an account it read (enabled, role, region)
   * before reading it again; 0 reads it on every request. An account disabled
   * through the same process is shut out at once, through another within this.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  accountCacheSeconds = 5;

  @IsIn(LOG_LEVELS)
  logLevel: LogLevel = 'info';

  /** Failed logins per username in the window; the next attempt is a 429 before any password is checked. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  loginRateLimitPerUsername = DEFAULT_LOGIN_LIMIT_PER_USERNAME;

  /** Failed logins per client address (IPv6: per /64) in the window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  loginRateLimitPerIp = DEFAULT_LOGIN_LIMIT_PER_IP;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  loginRateWindowSeconds = DEFAULT_LOGIN_WINDOW_SECONDS;

  /**
   * Well-formed registrations per client address (IPv6: per /64) in the
   * window, counted before the ID number is checked or the password hashed:
   * each costs a scrypt hash (32 MiB, a quarter of a second of CPU) and says
   * whether an ID number has an account. Enough for a
   * community's desk registering its households; an office whose desks share
   * one address raises it (or names its proxy in TRUST_PROXY).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  registrationRateLimitPerIp = DEFAULT_REGISTRATION_LIMIT_PER_IP;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  registrationRateWindowSeconds = DEFAULT_REGISTRATION_WINDOW_SECONDS;

  /** Objections one client may file in the window: enough for a neighbour, too few for a flood. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  objectionRateLimit = DEFAULT_OBJECTION_LIMIT;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  objectionRateWindowSeconds = DEFAULT_OBJECTION_WINDOW_SECONDS;

  /** Civil Code art. 201: the day a notice is posted does not count. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'NOTICE_FIRST_DAY_EXCLUDED must be true or false' })
  noticeFirstDayExcluded = true;

  /**
   * A JSON file in chinese-days' shape (`holidays`, `workdays`, optional
   * `inLieuDays`) with the State Council's arrangement of years the pinned
   * package does not yet have: a year it holds replaces the package's year
   * whole. Lets a county work into a newly announced year without waiting for
   * a release; read once at start-up.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  officialCalendarFile?: string;

  /** Civil Code art. 203: a period ending on a day off runs to the end of the next working day. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'NOTICE_EXTEND_TO_WORKDAY must be true or false' })
  noticeExtendToWorkday = true;

  /**
   * How long after a review deadline its timer's job runs (system clock only).
   * A decision asked before the deadline may still be on its way: a worker
   * killed with it in hand is taken over only when its lock expires (10–35 s).
   * Had the deadline's job run first, a decision made in time would be
   * recorded as late. Lateness is still judged at the deadline itself: a
   * command asked after it applies the deadline first, however soon. Below
   * the reconcile's five minutes after which an unfired timer is looked at.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(240)
  reviewDeadlineGraceSeconds = DEFAULT_REVIEW_DEADLINE_GRACE_SECONDS;
}

/** Environment variable name of each AppConfig field. */
export const ENV_NAMES: Record<keyof AppConfig, string> = {
  nodeEnv: 'NODE_ENV',
  databaseUrl: 'DATABASE_URL',
  databaseNamedStatements: 'DATABASE_NAMED_STATEMENTS',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'REDIS_PREFIX',
  redisEvictionPolicy: 'REDIS_EVICTION_POLICY',
  trustProxy: 'TRUST_PROXY',
  port: 'PORT',
  httpKeepAliveSeconds: 'HTTP_KEEP_ALIVE_SECONDS',
  clock: 'CLOCK',
  adminUsername: 'ADMIN_USERNAME',
  adminPassword: 'ADMIN_PASSWORD',
  uploadDir: 'UPLOAD_DIR',
  registerDirectLimit: 'REGISTER_DIRECT_LIMIT',
  jwtSecret: 'JWT_SECRET',
  jwtTtlSeconds: 'JWT_TTL_SECONDS',
  accountCacheSeconds: 'ACCOUNT_CACHE_SECONDS',
  logLevel: 'LOG_LEVEL',
  loginRateLimitPerUsername: 'LOGIN_RATE_LIMIT_PER_USERNAME',
  loginRateLimitPerIp: 'LOGIN_RATE_LIMIT_PER_IP',
  loginRateWindowSeconds: 'LOGIN_RATE_WINDOW_SECONDS',
  registrationRateLimitPerIp: 'REGISTRATION_RATE_LIMIT_PER_IP',
  registrationRateWindowSeconds: 'REGISTRATION_RATE_WINDOW_SECONDS',
  objectionRateLimit: 'OBJECTION_RATE_LIMIT',
  objectionRateWindowSeconds: 'OBJECTION_RATE_WINDOW_SECONDS',
  noticeFirstDayExcluded: 'NOTICE_FIRST_DAY_EXCLUDED',
  noticeExtendToWorkday: 'NOTICE_EXTEND_TO_WORKDAY',
  officialCalendarFile: 'OFFICIAL_CALENDAR_FILE',
  reviewDeadlineGraceSeconds: 'REVIEW_DEADLINE_GRACE_SECONDS',
};

/** TRUST_PROXY as Express' `trust proxy` setting takes it. */
export function trustProxySetting(config: Pick<AppConfig, 'trustProxy'>): false | number | string {
  if (config.trustProxy === 'false') return false;
  if (/^\d+$/.test(config.trustProxy)) return Number(config.trustProxy);
  return config.trustProxy;
}
