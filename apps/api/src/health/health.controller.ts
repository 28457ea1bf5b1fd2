import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import Redis from 'ioredis';
import { Public } from '@app/access';
import { AppError } from '@app/http';
import { within } from '@app/queue';
import { REDIS } from '@app/redis';

/** How long a dependency may take to answer before it counts as down. */
export const HEALTH_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get()
  async check(): Promise<{ status: 'ok'; database: 'up'; redis: 'up' }> {
    const [database, redis] = await Promise.all([
      probe(() => this.db.query('SELECT 1')),
      probe(() => this.redis.ping()),
    ]);
    if (database && redis) return { status: 'ok', database: 'up', redis: 'up' };
    const down = [
      ...(database ? [] : [{ code: 'DATABASE_DOWN', message: 'PostgreSQL does not answer' }]),
      ...(redis ? [] : [{ code: 'REDIS_DOWN', message: 'Redis does not answer' }]),
    ];
    throw AppError.serviceUnavailable('A dependency is down', down);
  }
}

function probe(call: () => Promise<unknown>): Promise<boolean> {
  return within(
    Promise.resolve()
      .then(call)
      .then(
        () => true,
        () => false,
      ),
    HEALTH_TIMEOUT_MS,
    () => false,
  );
}
