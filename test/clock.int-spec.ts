import { registerApplicant } from './factories/applicants.factory';
import { createCampaign } from './factories/campaigns.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';

/** Where resetDatabase puts the manual clock. */
const START = '2025-09-01T09:00:00+08:00';

describe('clock', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
  });

  const setClock = (body: Record<string, unknown>, token = admin) =>
    t.http().post('/api/admin/clock').set(bearer(token)).send(body);

  async function clockNow(): Promise<string> {
    const res = await t.http().get('/api/admin/clock').set(bearer(admin)).expect(200);
    expect(res.body.mode).toBe('manual');
    return res.body.now as string;
  }

  describe('GET /api/admin/clock (CLOCK=manual)', () => {
    it('reads the stored instant, in +08:00', async () => {
      expect(await clockNow()).toBe(START);
    });

    it('refuses a non-admin with 403 and answers 401 without a token', async () => {
      const applicant = await registerApplicant(t);
      expectError(
        await t.http().get('/api/admin/clock').set(bearer(applicant.token)),
        403,
        'FORBIDDEN',
      );
      expectError(await t.http().get('/api/admin/clock'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('POST /api/admin/clock (CLOCK=manual)', () => {
    it('sets the time and answers it in +08:00; GET then reads it', async () => {
      const res = await setClock({ now: '2025-09-26T09:00:00+08:00' }).expect(200);
      expect(res.body).toEqual({ now: '2025-09-26T09:00:00+08:00' });
      expect(await clockNow()).toBe('2025-09-26T09:00:00+08:00');
    });

    it('takes an instant in another offset and answers it in +08:00', async () => {
      const res = await setClock({ now: '2025-09-26T01:00:00Z' }).expect(200);
      expect(res.body).toEqual({ now: '2025-09-26T09:00:00+08:00' });
    });

    it('accepts the instant it already shows', async () => {
      const res = await setClock({ now: START }).expect(200);
      expect(res.body).toEqual({ now: START });
    });

    it('refuses to go back with 409 CLOCK_BACKWARDS and keeps its time', async () => {
      await setClock({ now: '2025-09-26T09:00:00+08:00' }).expect(200);
      expectError(await setClock({ now: '2025-09-26T08:59:59+08:00' }), 409, 'CLOCK_BACKWARDS');
      expect(await clockNow()).toBe('2025-09-26T09:00:00+08:00');
    });

    it.each([
      ['an instant without offset', '2025-09-26T09:00:00'],
      ['a date alone', '2025-09-26'],
      ['a word', 'tomorrow'],
      ['a number', 1758848400000],
    ])('refuses %s with 400 VALIDATION_FAILED and keeps its time', async (_what, now) => {
      expectError(await setClock({ now }), 400, 'VALIDATION_FAILED');
      expect(await clockNow()).toBe(START);
    });

    it('refuses an unknown field with 400 UNKNOWN_FIELD', async () => {
      const res = await setClock({ now: '2025-09-26T09:00:00+08:00', fireTimers: false });
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'fireTimers' }),
      );
    });

    it('refuses a non-admin with 403 FORBIDDEN and keeps its time', async () => {
      const applicant = await registerApplicant(t);
      expectError(
        await setClock({ now: '2025-09-26T09:00:00+08:00' }, applicant.token),
        403,
        'FORBIDDEN',
      );
      expect(await clockNow()).toBe(START);
    });

    // Moving the clock fires every county's timers: the whole service's administrator's alone.
    it('refuses an administrator bound to a county with 403 FORBIDDEN, who may still read it', async () => {
      const tree = await createRegionTree(t, admin, 1, 1);
      const countyAdmin = (await createStaff(t, admin, 'admin', tree.countyId)).token;
      expectError(
        await setClock({ now: '2025-09-26T09:00:00+08:00' }, countyAdmin),
        403,
        'FORBIDDEN',
      );
      expect(await clockNow()).toBe(START);
      await t.http().get('/api/admin/clock').set(bearer(countyAdmin)).expect(200);
    });
  });

  describe('POST /api/campaigns after the clock moved', () => {
    it.each([
      ['2026-03-01T00:00:00+08:00', '2026-09-01'],
      // Still 2025 in UTC: the year is Shanghai's.
      ['2026-01-01T00:00:00+08:00', '2026-09-01'],
      ['2025-12-31T23:59:59+08:00', '2025-09-01'],
    ])('at %s dates the default window in the clock year (opens %s)', async (now, opensOn) => {
      await setClock({ now }).expect(200);
      const tree = await createRegionTree(t, admin, 1, 1);
      const campaign = await createCampaign(t, admin, tree.countyId);
      expect(campaign.opensOn).toBe(opensOn);
    });
  });

  describe('POST /api/admin/clock (CLOCK=system)', () => {
    let system: TestApp;
    beforeAll(async () => {
      system = await createTestApp({ CLOCK: 'system' });
    });
    afterAll(() => system.close());

    it('does not exist (404), even for the administrator', async () => {
      const token = await adminToken(system);
      const post = await system
        .http()
        .post('/api/admin/clock')
        .set(bearer(token))
        .send({ now: '2030-01-01T00:00:00+08:00' });
      expectError(post, 404, 'NOT_FOUND');
      expectError(await system.http().get('/api/admin/clock').set(bearer(token)), 404, 'NOT_FOUND');
    });
  });
});
