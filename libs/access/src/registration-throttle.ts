import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { clientKey } from '@app/http';
import { RateLimiter, RedisKeys } from '@app/redis';

/**
 * Registrations, counted per client address in Redis (shared by every API
 * process). Every well-formed attempt counts (the validation pipe refuses the
 * others first, at no cost), admitted before the ID number is checked or the
 * password hashed: registration needs no account, and without a limit anyone
 * could make the service hash passwords (32 MiB of scrypt each) as fast as they
 * can send, or ask ID number after ID number whether it has an account.
 */
@Injectable()
export class RegistrationThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /** Counts the attempt, or refuses it with 429 RATE_LIMITED and Retry-After. */
  async admit(address: string | undefined): Promise<void> {
    await this.limiter.admit(
      [
        {
          key: this.keys.key('rate', 'register', 'client', clientKey(address)),
          limit: this.config.registrationRateLimitPerIp,
          windowSeconds: this.config.registrationRateWindowSeconds,
        },
      ],
      'Too many registrations from this client; try again later',
    );
  }
}
