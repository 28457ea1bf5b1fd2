import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig, EvictionPolicyMode } from '@app/config';
import { REDIS } from './redis-connection';

/**
 * BullMQ keeps queued transitions and delayed timer jobs in Redis, and the rate
 * limits count there: a Redis that evicts keys under memory pressure loses them
 * without a word. Only `noeviction` makes it refuse writes instead, which shows.
 */
export const REQUIRED_EVICTION_POLICY = 'noeviction';
/** How long start-up waits for Redis to answer before leaving the check to when it connects. */
export const EVICTION_CHECK_WAIT_MS = 5000;

export type PolicyReading =
  { policy: string; source: 'CONFIG' | 'INFO' } | { policy: null; reason: string };

export interface PolicyVerdict {
  level: 'ok' | 'warn' | 'refuse';
  message: string;
}

/**
 * CONFIG GET first; a Redis that refuses CONFIG (managed services, ACLs) is
 * asked through INFO, which reports the same setting; null when neither answers.
 */
export async function readEvictionPolicy(
  redis: Pick<Redis, 'config' | 'info'>,
): Promise<PolicyReading> {
  const refusals: string[] = [];
  try {
    const reply = await redis.config('GET', 'maxmemory-policy');
    if (Array.isArray(reply) && typeof reply[1] === 'string') {
      return { policy: reply[1], source: 'CONFIG' };
    }
    refusals.push('CONFIG GET gave no value');
  } catch (e) {
    refusals.push(`CONFIG GET: ${(e as Error).message}`);
  }
  try {
    const match = /^maxmemory_policy:(\S+)/m.exec(await redis.info('memory'));
    if (match) return { policy: match[1], source: 'INFO' };
    refusals.push('INFO memory has no maxmemory_policy');
  } catch (e) {
    refusals.push(`INFO: ${(e as Error).message}`);
  }
  return { policy: null, reason: refusals.join('; ') };
}

export function judgeEvictionPolicy(
  reading: PolicyReading,
  mode: EvictionPolicyMode,
): PolicyVerdict {
  if (reading.policy === REQUIRED_EVICTION_POLICY) return { level: 'ok', message: '' };
  if (reading.policy === null) {
    return {
      level: 'warn',
      message:
        `Could not read Redis' maxmemory-policy (${reading.reason}). ` +
        `Make sure it is "${REQUIRED_EVICTION_POLICY}": otherwise Redis may silently evict queued transitions, timers and rate-limit counters.`,
    };
  }
  const problem =
    `Redis maxmemory-policy is "${reading.policy}", not "${REQUIRED_EVICTION_POLICY}": ` +
    'under memory pressure Redis would silently evict queued transitions, timers and rate-limit counters.';
  return mode === 'refuse'
    ? {
        level: 'refuse',
        message:
          `Refusing to start. ${problem} Set "maxmemory-policy ${REQUIRED_EVICTION_POLICY}" in redis.conf ` +
          '(or CONFIG SET), or set REDIS_EVICTION_POLICY=warn to run anyway.',
      }
    : { level: 'warn', message: `${problem} Running anyway because REDIS_EVICTION_POLICY=warn.` };
}

export class RedisEvictionPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisEvictionPolicyError';
  }
}

/**
 * Checks the policy while the process starts (API and worker alike, both stand
 * on RedisModule): in `refuse` mode a wrong policy stops the start-up. A Redis
 * that is away at start-up does not stop a process (it keeps answering health
 * checks with 503); it is checked when it connects, and then can only be reported.
 */
@Injectable()
export class EvictionPolicyCheck implements OnModuleInit {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (await whenReady(this.redis, EVICTION_CHECK_WAIT_MS)) return this.check();
    this.logger.warn(
      'Redis does not answer at start-up: its maxmemory-policy is checked once it connects',
    );
    this.redis.once('ready', () => {
      this.check().catch((e: Error) => this.logger.error(e.message));
    });
  }

  private async check(): Promise<void> {
    const verdict = judgeEvictionPolicy(
      await readEvictionPolicy(this.redis),
      this.config.redisEvictionPolicy,
    );
    if (verdict.level === 'refuse') throw new RedisEvictionPolicyError(verdict.message);
    if (verdict.level === 'warn') this.logger.warn(verdict.message);
  }
}

/** True once the connection is ready; false on its first error or after `timeoutMs`. */
function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (ready: boolean): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      resolve(ready);
    };
    const onReady = (): void => finish(true);
    const onError = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}
