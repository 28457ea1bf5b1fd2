export * from './redis.module';
export * from './rate-limiter';
export * from './eviction-policy';
