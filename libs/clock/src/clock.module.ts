import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { createRedis, REDIS, RedisKeys } from '@app/redis';
import { Clock, SystemClock } from './clock';
import { ManualClock } from './manual-clock';

const CLOCK_SUBSCRIBER = Symbol('CLOCK_SUBSCRIBER');

async function createClock(
  config: AppConfig,
  db: DataSource,
  redis: Redis,
  keys: RedisKeys,
  subscriber: Redis | null,
): Promise<Clock> {
  if (config.clock === 'system') return new SystemClock();
  const channel = keys.key('clock');
  const clock = new ManualClock(db, redis, channel);
  await clock.load();
  if (subscriber) {
    await subscriber.subscribe(channel);
    subscriber.on('message', (_channel: string, message: string) => clock.receive(message));
  }
  return clock;
}

@Injectable()
class SubscriberCloser implements OnApplicationShutdown {
  constructor(@Inject(CLOCK_SUBSCRIBER) private readonly subscriber: Redis | null) {}
  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}

/** Provides `Clock`: the system clock, or the shared manual one with CLOCK=manual. */
@Global()
@Module({
  providers: [
    {
      provide: CLOCK_SUBSCRIBER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.clock === 'manual'
          ? createRedis(config, 'clock-subscriber', { queueWhileOffline: true })
          : null,
    },
    {
      provide: Clock,
      inject: [AppConfig, DataSource, REDIS, RedisKeys, CLOCK_SUBSCRIBER],
      useFactory: createClock,
    },
    SubscriberCloser,
  ],
  exports: [Clock],
})
export class ClockModule {}
