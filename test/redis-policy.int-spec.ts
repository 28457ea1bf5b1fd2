import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { CoreModule } from '@app/core';
import { configureHttpApp, PrototypedExpressAdapter } from '@app/http';
import { ServiceModule } from '../apps/api/src/service.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { createTestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';

/** A Redis of this test's own (the shared one is never reconfigured), killed at the end. */
interface PrivateRedis {
  url: string;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(extraArgs: string[]): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 100 });
  try {
    for (let i = 0; ; i++) {
      try {
        if (probe.status !== 'ready') await probe.connect();
        await probe.ping();
        break;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.disconnect();
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const envFor = (redis: PrivateRedis, extra: Record<string, string> = {}) =>
  loadConfig({ ...TEST_ENV, CLOCK: 'system', REDIS_URL: redis.url, ...extra });

/** Starts the API process' modules as main.ts does; the start-up error, or null. */
async function startApi(config: ReturnType<typeof loadConfig>): Promise<Error | null> {
  const moduleRef = await Test.createTestingModule({
    imports: [ServiceModule.forRoot(config, { withWorker: false })],
  }).compile();
  const app = moduleRef.createNestApplication(new PrototypedExpressAdapter(), {
    bodyParser: false,
    logger: false,
  });
  configureHttpApp(app);
  return initThenClose(app);
}

/** Starts the worker process' modules as apps/worker/src/main.ts does. */
async function startWorker(config: ReturnType<typeof loadConfig>): Promise<Error | null> {
  const moduleRef = await Test.createTestingModule({
    imports: [CoreModule.forRoot(config), WorkerModule],
  }).compile();
  return initThenClose(moduleRef);
}

async function initThenClose(app: INestApplicationContext): Promise<Error | null> {
  let failure: Error | null = null;
  try {
    await app.init();
  } catch (e) {
    failure = e as Error;
    // A refusing process exits here; a test must let go of what the modules
    // opened. Nest's close() would first rethrow the failed start, so the start
    // counts as done, once BullMQ has finished opening its connections (one
    // closed mid-handshake makes BullMQ emit an error nobody listens to).
    await new Promise((resolve) => setTimeout(resolve, 500));
    (app as unknown as { initializationPromise: Promise<void> }).initializationPromise =
      Promise.resolve();
  }
  await app.close();
  return failure;
}

describe("Redis' maxmemory-policy at start-up", () => {
  let lru: PrivateRedis;
  let lruWithoutConfig: PrivateRedis;

  let quietBullmq: jest.SpyInstance;

  beforeAll(async () => {
    // BullMQ prints its own eviction warning to the console for each connection: not what is tested here.
    quietBullmq = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    lru = await startRedis(['--maxmemory-policy', 'allkeys-lru']);
    // Like a managed Redis: CONFIG is not available to clients.
    lruWithoutConfig = await startRedis([
      '--maxmemory-policy',
      'allkeys-lru',
      '--rename-command',
      'CONFIG',
      '',
    ]);
  });
  afterAll(async () => {
    await Promise.all([lru?.stop(), lruWithoutConfig?.stop()]);
    quietBullmq.mockRestore();
  });

  it('the API refuses to start against an evicting Redis, with a message naming the policy and the way out', async () => {
    const error = await startApi(envFor(lru));

    expect(error?.name).toBe('RedisEvictionPolicyError');
    expect(error?.message).toMatch(/maxmemory-policy is "allkeys-lru", not "noeviction"/);
    expect(error?.message).toMatch(/REDIS_EVICTION_POLICY=warn/);
  });

  it('the worker refuses to start against it too', async () => {
    const error = await startWorker(envFor(lru));

    expect(error?.name).toBe('RedisEvictionPolicyError');
    expect(error?.message).toMatch(/allkeys-lru/);
  });

  it('reads the policy from INFO when Redis refuses CONFIG, and still refuses', async () => {
    const probe = new Redis(lruWithoutConfig.url);
    try {
      await expect(probe.config('GET', 'maxmemory-policy')).rejects.toThrow(/unknown command/i);
    } finally {
      probe.disconnect();
    }

    const error = await startApi(envFor(lruWithoutConfig));

    expect(error?.message).toMatch(/maxmemory-policy is "allkeys-lru"/);
  });

  it('with REDIS_EVICTION_POLICY=warn, starts, serves and warns loudly', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const t = await createTestApp({
        CLOCK: 'system',
        REDIS_URL: lru.url,
        REDIS_EVICTION_POLICY: 'warn',
      });
      try {
        await t.http().get('/api/health').expect(200);
      } finally {
        await t.close();
      }
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/maxmemory-policy is "allkeys-lru".*REDIS_EVICTION_POLICY=warn/),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('starts against the shared Redis, whose policy is noeviction', async () => {
    expect(await startApi(loadConfig({ ...TEST_ENV, CLOCK: 'system' }))).toBeNull();
  });
});
