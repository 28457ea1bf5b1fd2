import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppError } from '@app/http';
import { REDIS } from './redis-connection';

/** One limit: at most `limit` attempts under `key` in any `windowSeconds`. */
export interface RateRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

export type RateDecision =
  { allowed: true; attempt: RateAttempt } | { allowed: false; retryAfterSeconds: number };

/** An admitted attempt, which may be given back (a login that succeeded does not count). */
export interface RateAttempt {
  keys: string[];
  token: string;
}

/**
 * A sliding-window log per key: a sorted set of attempts scored by Redis' own
 * time, so that processes on machines with skewed clocks still share one window.
 * All rules are checked, and the attempt is recorded under every key, or under
 * none: one script, which Redis runs atomically. Refused attempts are not
 * recorded, so a set never holds more than `limit` members. Redis' TIME in a
 * script needs effects replication, the default from Redis 5 on (and switched
 * on here for older servers).
 */
const CONSUME = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local until_free = tonumber(oldest[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
`;

type WithConsume = Redis & {
  rateLimitConsume(numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** The one rate limiter of the service (logins, objections), shared by every process through Redis. */
@Injectable()
export class RateLimiter {
  private readonly redis: WithConsume;

  constructor(@Inject(REDIS) redis: Redis) {
    // defineCommand sends the script once and calls it by its SHA afterwards.
    if (!('rateLimitConsume' in redis)) {
      redis.defineCommand('rateLimitConsume', { lua: CONSUME });
    }
    this.redis = redis as WithConsume;
  }

  /**
   * Admits the attempt under every rule, or under none and says how long to wait.
   * Without Redis nothing is admitted (503): a limit that lapses whenever Redis
   * is away would be a limit an attacker can switch off.
   */
  async consume(rules: RateRule[]): Promise<RateDecision> {
    const token = randomUUID();
    const args = rules.flatMap((r) => [r.limit, r.windowSeconds * 1000]);
    const waitMs = await this.redis
      .rateLimitConsume(rules.length, ...rules.map((r) => r.key), token, ...args)
      .catch(() => {
        throw AppError.serviceUnavailable(
          'This is briefly unavailable (its rate limit cannot be checked); try again shortly',
        );
      });
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
    return { allowed: true, attempt: { keys: rules.map((r) => r.key), token } };
  }

  /** `consume`, refusing with 429 RATE_LIMITED and Retry-After (saying `refusal`) when not admitted. */
  async admit(rules: RateRule[], refusal: string): Promise<RateAttempt> {
    const decision = await this.consume(rules);
    if (!decision.allowed) throw AppError.rateLimited(refusal, decision.retryAfterSeconds);
    return decision.attempt;
  }

  /** Gives an admitted attempt back: it no longer counts under any of its keys. */
  async refund(attempt: RateAttempt): Promise<void> {
    await Promise.all(attempt.keys.map((key) => this.redis.zrem(key, attempt.token)));
  }
}
