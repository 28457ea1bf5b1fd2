import Redis from 'ioredis';
import { TimerScheduler } from '@app/workflow';
import { createApplicant, familyBody, submittable } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { adminToken, createTestApp, resetDatabase, TestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';

const N = 8;

/**
 * Under the system clock each pending timer is a delayed job in Redis, and
 * PostgreSQL holds its due instant. Redis here keeps nothing on disk: wiping it
 * must lose nothing.
 */
describe('timers survive a Redis wipe (system clock)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CLOCK: 'system' });
  });
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  async function submittedToday(community: string): Promise<string> {
    const { token } = await createApplicant(t);
    const [campaign]: { id: string }[] = await t.db.query(`SELECT id FROM campaigns LIMIT 1`);
    const draft = await submittable(t, token, familyBody(campaign.id, community));
    await t
      .http()
      .post(`/api/applications/${draft.id}/submit`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    return draft.id;
  }

  it('rebuilds every pending timer from PostgreSQL and fires each once, none early', async () => {
    const admin = await adminToken(t);
    const tree = await createRegionTree(t, admin, 1, 1);
    // A window around today, inside 2026 (the last year with official calendar data).
    const today = new Date().toISOString().slice(0, 10);
    await t
      .http()
      .post('/api/campaigns')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'now',
        countyId: tree.countyId,
        referenceIncome: 20000,
        opensOn: '2026-01-01',
        closesOn: today < '2026-12-31' ? '2026-12-31' : today,
        reportDueOn: '2026-12-31',
      })
      .expect(201);
    const ids: string[] = [];
    for (let i = 0; i < N; i++) ids.push(await submittedToday(tree.towns[0].communities[0]));

    // Bring every review deadline a few seconds ahead (as if the days had passed),
    // then wipe the service's whole Redis key space with those timers pending.
    await t.db.query(
      `UPDATE timers SET due_at = now() + (interval '1 second' * (2 + (random() * 2))) WHERE fired_at IS NULL`,
    );
    const redis = new Redis(TEST_ENV.REDIS_URL);
    try {
      const keys = await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await redis.keys(`${TEST_ENV.REDIS_PREFIX}:bull:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }

    // What every worker does at start-up and each minute after.
    expect(await t.app.get(TimerScheduler).reconcile()).toBe(N);
    await waitFor(async () => {
      const [{ n }]: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM timers WHERE fired_at IS NULL`,
      );
      return Number(n) === 0;
    });

    const timers: { fired_at: Date; due_at: Date }[] = await t.db.query(
      `SELECT fired_at, due_at FROM timers`,
    );
    expect(timers).toHaveLength(N);
    for (const timer of timers)
      expect(timer.fired_at.getTime()).toBeGreaterThanOrEqual(timer.due_at.getTime());
    const perApplication: { n: string }[] = await t.db.query(
      `SELECT count(*) AS n FROM application_history WHERE type = 'review_overdue' GROUP BY application_id`,
    );
    expect(perApplication.map((r) => Number(r.n))).toEqual(Array(N).fill(1));
    const [{ alerts }]: { alerts: string }[] = await t.db.query(
      `SELECT count(*) AS alerts FROM alerts`,
    );
    expect(Number(alerts)).toBe(N);

    // A second reconcile (a worker restarting) finds nothing left to schedule.
    expect(await t.app.get(TimerScheduler).reconcile()).toBe(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
