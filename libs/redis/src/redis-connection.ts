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
