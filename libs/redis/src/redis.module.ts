import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';

/** The shared command connection (health, rate limits, small keys). */
export const REDIS = Symbol('REDIS');

/**
 * Command connections answer "unavailable" at once while Redis is down instead of
 * queueing; a subscriber needs the offline queue to subscribe before it connects.
 */
export function createRedis(
  config: AppConfig,
  name: string,
  { queueWhileOffline = false } = {},
): Redis {
  return new Redis(config.redisUrl, {
    connectionName: `${config.redisPrefix}:${name}`,
    maxRetriesPerRequest: queueWhileOffline ? null : 1,
    enableOfflineQueue: queueWhileOffline,
    // A subscriber may not send INFO once it has subscribed, which is what the ready check does.
    enableReadyCheck: !queueWhileOffline,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

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
  ],
  exports: [REDIS, RedisKeys],
})
export class RedisModule {}
