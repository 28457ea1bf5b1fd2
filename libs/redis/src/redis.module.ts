import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { EvictionPolicyCheck } from './eviction-policy';
import { RateLimiter } from './rate-limiter';
import { createRedis, REDIS } from './redis-connection';

export { createRedis, REDIS } from './redis-connection';

/** Builds a key inside this deployment's key space, so tests and the demo never collide. */
@Injectable()
export class RedisKeys {
  constructor(private readonly config: AppConfig) {}
  key(...parts: string[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    // quit() waits for pending replies; a client that never connected just stops reconnecting.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [AppConfig], useFactory: (c: AppConfig) => createRedis(c, 'main') },
    RedisKeys,
    RedisCloser,
    RateLimiter,
    EvictionPolicyCheck,
  ],
  exports: [REDIS, RedisKeys, RateLimiter],
})
export class RedisModule {}
