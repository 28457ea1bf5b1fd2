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

export const CLOCK_MODES = ['system', 'manual'] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];

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

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  redisUrl = 'redis://127.0.0.1:6379/0';

  /** Prefix of every Redis key (queues, rate limits, pub/sub), so that tests and a demo can share one Redis. */
  @Matches(/^[a-z][a-z0-9-]{0,30}$/, {
    message: 'REDIS_PREFIX must be lowercase letters, digits and dashes',
  })
  redisPrefix = 'hs';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 3000;

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

  @IsIn(LOG_LEVELS)
  logLevel: LogLevel = 'info';

  /** Civil Code art. 201: the day a notice is posted does not count. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'NOTICE_FIRST_DAY_EXCLUDED must be true or false' })
  noticeFirstDayExcluded = true;

  /** Civil Code art. 203: a period ending on a day off runs to the end of the next working day. */
  @Transform(toBool)
  @IsIn([true, false], { message: 'NOTICE_EXTEND_TO_WORKDAY must be true or false' })
  noticeExtendToWorkday = true;
}

/** Environment variable name of each AppConfig field. */
export const ENV_NAMES: Record<keyof AppConfig, string> = {
  nodeEnv: 'NODE_ENV',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisPrefix: 'REDIS_PREFIX',
  port: 'PORT',
  clock: 'CLOCK',
  adminUsername: 'ADMIN_USERNAME',
  adminPassword: 'ADMIN_PASSWORD',
  uploadDir: 'UPLOAD_DIR',
  registerDirectLimit: 'REGISTER_DIRECT_LIMIT',
  jwtSecret: 'JWT_SECRET',
  jwtTtlSeconds: 'JWT_TTL_SECONDS',
  logLevel: 'LOG_LEVEL',
  noticeFirstDayExcluded: 'NOTICE_FIRST_DAY_EXCLUDED',
  noticeExtendToWorkday: 'NOTICE_EXTEND_TO_WORKDAY',
};
