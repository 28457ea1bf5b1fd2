import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './free-port';
import { exitOf, killOnExit } from './processes';
import { waitUntil } from './wait';

/**
 * A redis-server of the test's own, as a child process on a free port, keeping
 * nothing on disk: a test may kill it, wipe it or restart it without touching
 * the Redis that other people's tests share. Restarting it gives an empty Redis
 * (what a Redis without persistence, or one that lost its disk, comes back as).
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        // What production runs with (docker-compose.yml): never evict queue keys.
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    killOnExit(child);
    this.child = child;
    await waitUntil(() => this.answers(), 10_000, `redis-server on port ${this.port}`);
  }

  /** SIGKILL: gone at once, with everything it held. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill('SIGKILL');
    await exitOf(child);
  }

  async flushAll(): Promise<void> {
    await this.withClient((c) => c.flushall());
  }

  /** Runs `fn` on a short-lived client of this Redis. */
  async withClient<T>(fn: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await fn(client);
    } finally {
      client.disconnect();
    }
  }

  private async answers(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
