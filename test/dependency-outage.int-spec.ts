import { createServer, Server } from 'node:net';
import { Client, Pool } from 'pg';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { isDependencyOutage } from '@app/http';
import { createRedis } from '@app/redis';
import { TRANSITION_WAIT_MS } from '@app/queue';
import { createCampaign } from './factories/campaigns.factory';
import { createApplicant, familyBody, submittable } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { freePort } from './faults/support/free-port';
import { TcpProxy } from './support/tcp-proxy';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';
import { TEST_ENV } from './support/test-env';

function listening(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** The rejection of a promise that must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('errors of PostgreSQL and Redis out of reach, as the drivers give them', () => {
  it('recognises a refused connection, a terminated backend, a connection or pool slot not obtained in time, and a Redis that is away', async () => {
    const port = await freePort(); // nothing listens there
    const refused = await rejection(
      new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' }).connect(),
    );

    const victim = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    victim.on('error', () => undefined);
    await victim.connect();
    const terminated = await rejection(
      victim.query('SELECT pg_terminate_backend(pg_backend_pid())'),
    );
    await victim.end().catch(() => undefined);

    // A server that accepts the connection and never answers: the pool's connection gives up.
    const silent = await listening(createServer(() => undefined));
    const unanswered = new Pool({
      host: '127.0.0.1',
      port: portOf(silent),
      connectionTimeoutMillis: 200,
    });
    const connectTimeout = await rejection(unanswered.query('SELECT 1'));
    await unanswered.end().catch(() => undefined);
    silent.close();

    // Every connection of the pool taken for longer than the wait allows.
    const pool = new Pool({
      connectionString: TEST_ENV.DATABASE_URL,
      max: 1,
      connectionTimeoutMillis: 200,
    });
    const held = await pool.connect();
    const poolExhausted = await rejection(pool.query('SELECT 1'));
    held.release();
    await pool.end();

    // The service's own Redis connection (no offline queue) to a Redis that is not there.
    const redis = createRedis(
      loadConfig({ ...TEST_ENV, REDIS_URL: `redis://127.0.0.1:${port}/0` }),
      'outage',
    );
    redis.on('error', () => undefined);
    const redisAway = await rejection(redis.get('anything'));
    redis.disconnect();

    const errors = { refused, terminated, connectTimeout, poolExhausted, redisAway };
    expect(errors).toEqual({
      refused: expect.objectContaining({ code: 'ECONNREFUSED' }),
      terminated: expect.objectContaining({ code: '57P01' }),
      connectTimeout: expect.objectContaining({
        message: 'Connection terminated due to connection timeout',
      }),
      poolExhausted: expect.objectContaining({
        message: 'timeout exceeded when trying to connect',
      }),
      redisAway: expect.objectContaining({
        message: "Stream isn't writeable and enableOfflineQueue options is false",
      }),
    });
    for (const error of Object.values(errors)) expect(isDependencyOutage(error)).toBe(true);
  });

  it('does not take a fault of the statement, of the data or of the code for one', async () => {
    const db = new DataSource({ type: 'postgres', url: TEST_ENV.DATABASE_URL });
    await db.initialize();
    try {
      const syntax = await rejection(db.query('SELEC 1'));
      const division = await rejection(db.query('SELECT 1 / 0'));
      const badInput = await rejection(db.query(`SELECT 'x'::int`));
      // 08P01, in the class of connection errors, for a bug of the service.
      const parameters = await rejection(db.query('SELECT $1::int', [1, 2]));
      const codes = [syntax, division, badInput, parameters].map(
        (e) => (e as { driverError?: { code?: string } }).driverError?.code,
      );
      expect(codes).toEqual(['42601', '22012', '22P02', '08P01']);
      for (const error of [syntax, division, badInput, parameters, new Error('boom')]) {
        expect(isDependencyOutage(error)).toBe(false);
      }
    } finally {
      await db.destroy();
    }
  });
});

describe('the API while its PostgreSQL is out of reach', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    const relayed = await TcpProxy.inFrontOf(TEST_ENV.DATABASE_URL, 5432);
    proxy = relayed.proxy;
    // Accounts read on every request: the write below is to meet the outage in authentication.
    t = await createTestApp(
      { DATABASE_URL: relayed.url, ACCOUNT_CACHE_SECONDS: '0' },
      { withWorker: false },
    );
    token = await adminToken(t);
  });
  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.cut();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, no driver detail, and recovers by itself', async () => {
    const campaigns = () => t.http().get('/api/campaigns').set('Authorization', `Bearer ${token}`);
    await campaigns().expect(200);

    await proxy.cut();
    const during = await campaigns();
    // A write stopped in authentication (the caller's account is read first): nothing done yet.
    const create = await t
      .http()
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({});
    const health = await t.http().get('/api/health');
    // A login that could not read the account tested no password: 503, not counted.
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ username: TEST_ENV.ADMIN_USERNAME, password: TEST_ENV.ADMIN_PASSWORD });

    await proxy.restore();
    const after = await campaigns();

    expect({
      status: during.status,
      retryAfter: during.headers['retry-after'],
      body: during.body as unknown,
      create: create.status,
      health: health.status,
      login: [login.status, login.headers['retry-after']],
      after: after.status,
    }).toEqual({
      status: 503,
      retryAfter: '5',
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'SERVICE_UNAVAILABLE',
        message: 'A dependency is down',
        details: [],
      },
      create: 503,
      health: 503,
      login: [503, '5'],
      after: 200,
    });
  });
});

describe('a command while its Redis is out of reach', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let submittedId: string | undefined;

  beforeAll(async () => {
    const relayed = await TcpProxy.inFrontOf(TEST_ENV.REDIS_URL, 6379);
    proxy = relayed.proxy;
    t = await createTestApp({ REDIS_URL: relayed.url });
    await resetDatabase(t);
  });
  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.cut();
  });

  /**
   * `send` with Redis cut answers 503 TRANSITION_PENDING within the command's
   * wait; then, Redis back, the answer of its first repeat that is not a 503.
   */
  async function pendingWhileAwayThenRepeated(
    send: () => PromiseLike<Response>,
  ): Promise<Response> {
    await proxy.cut();
    const started = performance.now();
    const during = await send();
    const waitedMs = performance.now() - started;
    expectError(during, 503, 'TRANSITION_PENDING');
    // Bounded by the command's wait (not by Redis coming back); margin for a loaded machine.
    expect(waitedMs).toBeLessThan(TRANSITION_WAIT_MS + 5_000);

    await proxy.restore();
    let after = await send();
    for (let tries = 0; after.status === 503 && tries < 10; tries++) after = await send();
    return after;
  }

  it('answers 503 TRANSITION_PENDING within the wait instead of hanging, and its repeat applies it once Redis is back', async () => {
    const admin = await adminToken(t);
    const tree = await createRegionTree(t, admin, 1, 1);
    const campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 }))
      .id;
    const applicant = await createApplicant(t);
    const draft = await submittable(
      t,
      applicant.token,
      familyBody(campaignId, tree.towns[0].communities[0]),
    );
    const submit = () =>
      t
        .http()
        .post(`/api/applications/${draft.id}/submit`)
        .set(bearer(applicant.token))
        .set('idempotency-key', 'submit-while-redis-away');

    const after = await pendingWhileAwayThenRepeated(submit);
    expect({ status: after.status, state: (after.body as { status?: string }).status }).toEqual({
      status: 200,
      state: 'community_review',
    });
    submittedId = draft.id;
  }, 90_000);

  it('answers a move of the manual clock 503 TRANSITION_PENDING within the wait, and its repeat fires the due timers', async () => {
    expect(submittedId).toBeDefined(); // the submission above, with its community deadline pending
    const admin = await adminToken(t); // the login's rate limit lives in Redis: before the cut
    const [deadline]: { due_at: Date }[] = await t.db.query(
      `SELECT due_at FROM timers WHERE application_id = $1 AND fired_at IS NULL`,
      [submittedId],
    );
    const past = new Date(deadline.due_at.getTime() + 24 * 3600_000).toISOString();
    const move = () => t.http().post('/api/admin/clock').set(bearer(admin)).send({ now: past });

    const after = await pendingWhileAwayThenRepeated(move);
    expect(after.status).toBe(200);
    const history: { type: string }[] = await t.db.query(
      `SELECT type FROM application_history WHERE application_id = $1 ORDER BY seq`,
      [submittedId],
    );
    expect(history.map((h) => h.type)).toEqual(['submit', 'review_overdue']);
  }, 90_000);
});
