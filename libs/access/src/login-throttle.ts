import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '@app/config';
import { clientKey } from '@app/http';
import { RateAttempt, RateLimiter, RedisKeys } from '@app/redis';

/**
 * Login attempts, counted per username and per client in Redis, so the limits
 * hold across every API process. An attempt is admitted (and counted) BEFORE
 * the password is hashed: a refused one costs a Redis call, not 32 MiB of
 * scrypt. A login that succeeds gives its own attempt back, so only failures
 * count; it never clears the failures before it, of that username or of that
 * client, or an attacker could interleave a login of their own account to keep
 * guessing someone else's password.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /** The admitted attempt, or a 429 RATE_LIMITED with Retry-After. */
  async admit(username: string, address: string | undefined): Promise<RateAttempt> {
    const window = this.config.loginRateWindowSeconds;
    return this.limiter.admit(
      [
        {
          // Hashed: the key space should not be a list of the usernames people tried.
          key: this.keys.key('rate', 'login', 'user', digest(username)),
          limit: this.config.loginRateLimitPerUsername,
          windowSeconds: window,
        },
        {
          key: this.keys.key('rate', 'login', 'client', clientKey(address)),
          limit: this.config.loginRateLimitPerIp,
          windowSeconds: window,
        },
      ],
      'Too many failed logins; try again later',
    );
  }

  /**
   * An attempt that does not count against either limit: a successful login,
   * or one that tested no password (the database out of reach).
   */
  giveBack(attempt: RateAttempt): Promise<void> {
    return this.limiter.refund(attempt);
  }
}

function digest(username: string): string {
  return createHash('sha256').update(username.normalize('NFC')).digest('hex').slice(0, 32);
}
