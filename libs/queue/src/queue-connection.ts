import { ConnectionOptions } from 'bullmq';
import { AppConfig } from '@app/config';

/**
 * BullMQ's connection: its own ioredis clients from REDIS_URL (BullMQ requires
 * maxRetriesPerRequest null for workers), and the deployment's key prefix.
 */
export function queueConnection(config: AppConfig): {
  connection: ConnectionOptions;
  prefix: string;
} {
  const url = new URL(config.redisUrl);
  return {
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: Number(url.pathname.slice(1) || 0),
      tls: url.protocol === 'rediss:' ? {} : undefined,
      maxRetriesPerRequest: null,
    },
    prefix: `${config.redisPrefix}:bull`,
  };
}
