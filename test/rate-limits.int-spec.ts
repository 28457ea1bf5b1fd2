import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { PasswordHasher } from '@app/access';
import Redis from 'ioredis';
import { RateLimiter, RedisKeys } from '@app/redis';
import {
  APPLICANT_PASSWORD,
  registerApplicant,
  registrationBody,
} from './factories/applicants.factory';
import {
  createTestApp,
  expectError,
  reloadManualClock,
  resetDatabase,
  TestApp,
  withoutRowChanges,
} from './support/test-app';
import { TEST_ENV } from './support/test-env';
import { decide, readyDraft, setClock, submit, workflowWorld } from './support/workflow-fixture';

const WINDOW_SECONDS = 600;
/**
 * A key space of this file's own, shared by its two apps: the limits here are
 * small, and the factories log in from 127.0.0.1, whose count other files add to.
 */
const PREFIX = `${TEST_ENV.REDIS_PREFIX}-rl`;
/** Small limits, so that a test reaches them in a few requests. */
const LIMITS = {
  REDIS_PREFIX: PREFIX,
  // Believes X-Forwarded-For from the test client: each test is a client of its own.
  TRUST_PROXY: 'loopback',
  LOGIN_RATE_LIMIT_PER_USERNAME: '3',
  LOGIN_RATE_LIMIT_PER_IP: '6',
  LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  OBJECTION_RATE_LIMIT: '3',
  OBJECTION_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
};

let clientSerial = 0;
/** A client address of its own (TEST-NET-3), so that no test's attempts count against another's. */
const freshClient = (): string => `203.0.113.${(clientSerial++ % 250) + 1}`;

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes every key under `prefix` (a key space of this file's own), on a connection of its own. */
async function dropKeySpace(prefix: string): Promise<void> {
  const redis = new Redis(TEST_ENV.REDIS_URL);
  try {
    await deleteKeys(redis, `${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}

function expectRateLimited(res: Response, windowSeconds = WINDOW_SECONDS): void {
  expectError(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

/**
 * Two API processes (two whole apps) on one PostgreSQL and one Redis key space,
 * as two machines behind a load balancer: what one counts, the other sees.
 */
describe('rate limits shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp(LIMITS);
    b = await createTestApp(LIMITS, { withWorker: false });
    await resetDatabase(a);
    await reloadManualClock(b);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await dropKeySpace(PREFIX);
  });

  const loginAt = (app: TestApp, client: string, username: string, password: string) =>
    app.http().post('/api/auth/login').set('x-forwarded-for', client).send({ username, password });

  describe('logins', () => {
    it('refuses a username after 3 failures spread over both processes, even with the right password, without hashing it', async () => {
      const victim = await registerApplicant(a);
      for (const app of [a, b, a]) {
        expectError(
          await loginAt(app, freshClient(), victim.username, 'wrong-password'),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      const verify = jest.spyOn(b.app.get(PasswordHasher), 'verify');
      try {
        expectRateLimited(await loginAt(b, freshClient(), victim.username, APPLICANT_PASSWORD));
        expect(verify).not.toHaveBeenCalled();
      } finally {
        verify.mockRestore();
      }
      expectRateLimited(await loginAt(a, freshClient(), victim.username, APPLICANT_PASSWORD));
    });

    it('refuses a client after 6 failures over both processes, for any username; another client still logs in', async () => {
      const user = await registerApplicant(a);
      const client = freshClient();
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? a : b;
        expectError(
          await loginAt(app, client, `nobody-${randomUUID()}`, 'guess'),
          401,
          'INVALID_CREDENTIALS',
        );
      }

      expectRateLimited(await loginAt(a, client, user.username, APPLICANT_PASSWORD));
      expectRateLimited(await loginAt(b, client, user.username, APPLICANT_PASSWORD));
      await loginAt(b, freshClient(), user.username, APPLICANT_PASSWORD).expect(200);
    });

    it('does not count successful logins: one account logs in 10 times from one client', async () => {
      const user = await registerApplicant(a);
      const client = freshClient();
      for (let i = 0; i < 10; i++) {
        await loginAt(i % 2 ? a : b, client, user.username, APPLICANT_PASSWORD).expect(200);
      }
    });

    it('lets no successful login clear the failures counted for others', async () => {
      const victim = await registerApplicant(a);
      const attacker = await registerApplicant(a);
      const client = freshClient();

      // Failures on the victim, each followed by a successful login of the attacker's own account.
      for (const app of [a, b, a]) {
        await loginAt(app, client, victim.username, 'guess').expect(401);
        await loginAt(app === a ? b : a, client, attacker.username, APPLICANT_PASSWORD).expect(200);
      }
      // The victim's own successful login would also not have helped the attacker: it is refused.
      expectRateLimited(await loginAt(b, freshClient(), victim.username, APPLICANT_PASSWORD));

      // The client's failures are still there too: 3 more reach its limit of 6.
      for (let i = 0; i < 3; i++) {
        await loginAt(b, client, `nobody-${randomUUID()}`, 'guess').expect(401);
      }
      expectRateLimited(await loginAt(a, client, attacker.username, APPLICANT_PASSWORD));
    });

    it('refuses with 429 without changing any row', async () => {
      const victim = await registerApplicant(a);
      for (const app of [a, b, a]) {
        await loginAt(app, freshClient(), victim.username, 'guess').expect(401);
      }
      const res = await withoutRowChanges(a, ['users', 'applications'], () =>
        loginAt(b, freshClient(), victim.username, APPLICANT_PASSWORD),
      );
      expectRateLimited(res);
    });
  });

  describe('objections', () => {
    it('refuses the 4th objection of one client over both processes; another client may still object', async () => {
      const world = await workflowWorld(a);
      const draft = await readyDraft(a, world);
      await setClock(a, world.admin, '2025-09-26T10:00:00+08:00');
      await reloadManualClock(b);
      expect((await submit(a, draft.id, draft.token)).status).toBe(200);
      expect((await decide(a, world.community, draft.id, 'approve')).status).toBe(200);
      const [notice]: { id: string }[] = await a.db.query(
        `SELECT id FROM notices WHERE application_id = $1`,
        [draft.id],
      );
      const object = (app: TestApp, client: string, content: string) =>
        app
          .http()
          .post(`/api/public/notices/${notice.id}/objections`)
          .set('x-forwarded-for', client)
          .send({ content });

      const client = freshClient();
      for (const [i, app] of [a, b, a].entries()) {
        expect((await object(app, client, `异议${i}`)).status).toBe(201);
      }
      const refused = await withoutRowChanges(a, ['objections'], () => object(b, client, '异议3'));
      expectRateLimited(refused);
      expectRateLimited(await object(a, client, '异议4'));
      expect((await object(b, freshClient(), '另一位邻居')).status).toBe(201);
    });
  });

  it('refuses logins with 503 while Redis is away, without hashing a password: the limit cannot be switched off', async () => {
    const away = await createTestApp(
      { CLOCK: 'system', REDIS_URL: 'redis://127.0.0.1:6390/0' },
      { withWorker: false },
    );
    try {
      const verify = jest.spyOn(away.app.get(PasswordHasher), 'verify');
      const res = await away
        .http()
        .post('/api/auth/login')
        .send({ username: 'root', password: 'root-password' });
      expectError(res, 503, 'SERVICE_UNAVAILABLE');
      expect(verify).not.toHaveBeenCalled();
    } finally {
      await away.close();
    }
  }, 45_000);

  describe('the limiter itself', () => {
    const limiter = (): RateLimiter => a.app.get(RateLimiter);
    const key = (): string => a.app.get(RedisKeys).key('rate', 'test', randomUUID());

    it('admits exactly `limit` of many attempts made at once (the check and the count are one step)', async () => {
      const rule = { key: key(), limit: 5, windowSeconds: 60 };
      const decisions = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? limiter() : b.app.get(RateLimiter)).consume([rule]),
        ),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    });

    it('counts an attempt under every rule or under none', async () => {
      const full = { key: key(), limit: 1, windowSeconds: 60 };
      const open = { key: key(), limit: 5, windowSeconds: 60 };
      expect((await limiter().consume([full])).allowed).toBe(true);

      for (let i = 0; i < 3; i++) {
        expect((await limiter().consume([open, full])).allowed).toBe(false);
      }
      // The refusals above did not use up the open rule's allowance.
      for (let i = 0; i < 5; i++) expect((await limiter().consume([open])).allowed).toBe(true);
      expect((await limiter().consume([open])).allowed).toBe(false);
    });

    it('gives a refunded attempt back, and admits again once the window has slid past', async () => {
      const rule = { key: key(), limit: 2, windowSeconds: 1 };
      const first = await limiter().consume([rule]);
      expect((await limiter().consume([rule])).allowed).toBe(true);
      const refused = await limiter().consume([rule]);
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });

      if (!first.allowed) throw new Error('the first attempt was refused');
      await limiter().refund(first.attempt);
      expect((await limiter().consume([rule])).allowed).toBe(true);
      expect((await limiter().consume([rule])).allowed).toBe(false);

      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await limiter().consume([rule])).allowed).toBe(true);
    });
  });
});

describe('registrations, limited per client before anything is checked', () => {
  const REGISTRATION_PREFIX = `${TEST_ENV.REDIS_PREFIX}-rl-register`;
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(
      {
        ...LIMITS,
        REDIS_PREFIX: REGISTRATION_PREFIX,
        REGISTRATION_RATE_LIMIT_PER_IP: '3',
        REGISTRATION_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
      { withWorker: false },
    );
    await resetDatabase(t);
  });
  afterAll(async () => {
    await t.close();
    await dropKeySpace(REGISTRATION_PREFIX);
  });

  const registerAt = (client: string, body: Record<string, unknown>) =>
    t.http().post('/api/auth/register').set('x-forwarded-for', client).send(body);

  it('refuses the 4th attempt of one client, whatever the first three answered, without hashing or writing; another client registers', async () => {
    const client = freshClient();
    const first = registrationBody();
    expect((await registerAt(client, first)).status).toBe(201);
    expectError(
      await registerAt(client, registrationBody({ idNumber: '360124198503121000' })),
      400,
      'VALIDATION_FAILED',
    );
    // Whether an ID number has an account is what a prober would ask, number after number.
    expectError(
      await registerAt(client, registrationBody({ idNumber: first.idNumber })),
      409,
      'ID_NUMBER_REGISTERED',
    );

    const hash = jest.spyOn(t.app.get(PasswordHasher), 'hash');
    try {
      const refused = await withoutRowChanges(t, ['users'], () =>
        registerAt(client, registrationBody()),
      );
      expectRateLimited(refused);
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
    expect((await registerAt(freshClient(), registrationBody())).status).toBe(201);
  });
});
