import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerApplicant } from './factories/applicants.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
  withoutRowChanges,
} from './support/test-app';

const OVERRIDES = ['calendar_overrides'];

interface Day {
  date: string;
  workday: boolean;
  reason: string;
}

describe('calendar', () => {
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

  const workdays = (from: string, to: string, token = admin) =>
    t.http().get('/api/calendar/workdays').query({ from, to }).set(bearer(token));

  async function day(date: string): Promise<Day> {
    const res = await workdays(date, date).expect(200);
    expect(res.body).toHaveLength(1);
    return (res.body as Day[])[0];
  }

  const putOverride = (date: string, body: Record<string, unknown>, token = admin) =>
    t.http().put(`/api/calendar/overrides/${date}`).set(bearer(token)).send(body);

  describe('GET /api/calendar/workdays', () => {
    it('describes each day around National Day 2025, adjusted weekend workdays included', async () => {
      const res = await workdays('2025-09-26', '2025-10-12').expect(200);
      const holiday = { workday: false, reason: 'holiday:国庆节' };
      expect(res.body).toEqual([
        { date: '2025-09-26', workday: true, reason: 'weekday' },
        { date: '2025-09-27', workday: false, reason: 'weekend' },
        { date: '2025-09-28', workday: true, reason: 'adjusted-workday:国庆节' },
        { date: '2025-09-29', workday: true, reason: 'weekday' },
        { date: '2025-09-30', workday: true, reason: 'weekday' },
        { date: '2025-10-01', ...holiday },
        { date: '2025-10-02', ...holiday },
        { date: '2025-10-03', ...holiday },
        { date: '2025-10-04', ...holiday },
        { date: '2025-10-05', ...holiday },
        { date: '2025-10-06', workday: false, reason: 'holiday:中秋' },
        { date: '2025-10-07', ...holiday },
        { date: '2025-10-08', ...holiday },
        { date: '2025-10-09', workday: true, reason: 'weekday' },
        { date: '2025-10-10', workday: true, reason: 'weekday' },
        { date: '2025-10-11', workday: true, reason: 'adjusted-workday:国庆节' },
        { date: '2025-10-12', workday: false, reason: 'weekend' },
      ]);
    });

    it('answers a one-day range and a range of exactly 366 days', async () => {
      expect(await day('2025-09-28')).toEqual({
        date: '2025-09-28',
        workday: true,
        reason: 'adjusted-workday:国庆节',
      });
      const res = await workdays('2025-01-01', '2026-01-01').expect(200);
      expect(res.body).toHaveLength(366);
      expect(res.body[365].date).toBe('2026-01-01');
    });

    it('refuses from after to with 400 INVALID_RANGE', async () => {
      expectError(await workdays('2025-10-12', '2025-10-11'), 400, 'INVALID_RANGE');
    });

    it('refuses a range of 367 days with 400 INVALID_RANGE', async () => {
      expectError(await workdays('2025-01-01', '2026-01-02'), 400, 'INVALID_RANGE');
    });

    it.each([
      ['a date without leading zeros', '2025-9-26', '2025-10-12', 'from'],
      ['a day that does not exist', '2025-09-26', '2025-02-30', 'to'],
      ['a word', 'today', '2025-10-12', 'from'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, from, to, field) => {
      const details = expectError(await workdays(from, to), 400, 'VALIDATION_FAILED');
      expect(details).toContainEqual(expect.objectContaining({ field }));
    });

    it('refuses a missing bound and an unknown parameter with 400 VALIDATION_FAILED', async () => {
      const missing = await t
        .http()
        .get('/api/calendar/workdays')
        .query({ from: '2025-09-26' })
        .set(bearer(admin));
      expect(expectError(missing, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field: 'to' }),
      );
      const unknown = await t
        .http()
        .get('/api/calendar/workdays')
        .query({ from: '2025-09-26', to: '2025-09-27', region: 'x' })
        .set(bearer(admin));
      expect(expectError(unknown, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'region' }),
      );
    });

    it.each([
      ['2027', '2027-01-04', '2027-01-08'],
      ['reaching into 2027', '2026-12-30', '2027-01-02'],
    ])(
      'refuses dates %s, a year without official data, with 422 CALENDAR_DATA_MISSING',
      async (_what, from, to) => {
        expectError(await workdays(from, to), 422, 'CALENDAR_DATA_MISSING');
      },
    );

    it('answers an applicant too, and 401 without a token', async () => {
      const applicant = await registerApplicant(t);
      await workdays('2025-09-26', '2025-09-27', applicant.token).expect(200);
      const res = await t
        .http()
        .get('/api/calendar/workdays')
        .query({ from: '2025-09-26', to: '2025-09-27' });
      expectError(res, 401, 'UNAUTHENTICATED');
    });
  });

  describe('PUT /api/calendar/overrides/:date', () => {
    it('makes a working day a local day off, reported with an override: reason', async () => {
      const res = await putOverride('2025-09-29', { workday: false, note: 'local day off' }).expect(
        200,
      );
      expect(res.body).toEqual({
        date: '2025-09-29',
        workday: false,
        reason: 'override:local day off',
      });
      const after = await day('2025-09-29');
      expect(after.workday).toBe(false);
      expect(after.reason.startsWith('override:')).toBe(true);
      expect(await day('2025-09-30')).toMatchObject({ workday: true, reason: 'weekday' });
    });

    it('makes a weekend day a local working day', async () => {
      await putOverride('2025-09-27', { workday: true, note: '防汛值班' }).expect(200);
      expect(await day('2025-09-27')).toEqual({
        date: '2025-09-27',
        workday: true,
        reason: 'override:防汛值班',
      });
    });

    it('replaces an earlier override of the same day', async () => {
      await putOverride('2025-09-29', { workday: false, note: 'first' }).expect(200);
      await withoutRowChanges(t, OVERRIDES, () =>
        putOverride('2025-09-29', { workday: false, note: 'second' }).expect(200),
      );
      expect((await day('2025-09-29')).reason).toBe('override:second');
    });

    it('refuses a day in 2027 with 422 CALENDAR_DATA_MISSING', async () => {
      const res = await withoutRowChanges(t, OVERRIDES, () =>
        putOverride('2027-01-04', { workday: false, note: 'too early' }),
      );
      expectError(res, 422, 'CALENDAR_DATA_MISSING');
    });

    it.each<[string, string, Record<string, unknown>, string]>([
      ['a day that does not exist', '2025-02-30', { workday: false, note: 'x' }, 'date'],
      ['a workday that is not a boolean', '2025-09-29', { workday: 'no', note: 'x' }, 'workday'],
      ['an empty note', '2025-09-29', { workday: false, note: '' }, 'note'],
      ['no note', '2025-09-29', { workday: false }, 'note'],
      ['an unknown field', '2025-09-29', { workday: false, note: 'x', regionId: 'y' }, 'regionId'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, date, body, field) => {
      const res = await withoutRowChanges(t, OVERRIDES, () => putOverride(date, body));
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field }),
      );
    });

    it('refuses a non-admin with 403 FORBIDDEN', async () => {
      const applicant = await registerApplicant(t);
      const res = await withoutRowChanges(t, OVERRIDES, () =>
        putOverride('2025-09-29', { workday: false, note: 'x' }, applicant.token),
      );
      expectError(res, 403, 'FORBIDDEN');
      expect((await day('2025-09-29')).reason).toBe('weekday');
    });

    // One calendar for every county: a county's administrator would move the others' deadlines.
    it('refuses an administrator bound to a county with 403 FORBIDDEN, setting and removing nothing', async () => {
      const tree = await createRegionTree(t, admin, 1, 1);
      const countyAdmin = (await createStaff(t, admin, 'admin', tree.countyId)).token;
      const set = await withoutRowChanges(t, OVERRIDES, () =>
        putOverride('2025-09-29', { workday: false, note: 'x' }, countyAdmin),
      );
      expectError(set, 403, 'FORBIDDEN');
      await putOverride('2025-09-30', { workday: false, note: 'x' }).expect(200);
      const removed = await withoutRowChanges(t, OVERRIDES, () =>
        t.http().delete('/api/calendar/overrides/2025-09-30').set(bearer(countyAdmin)),
      );
      expectError(removed, 403, 'FORBIDDEN');
      expect((await day('2025-09-30')).workday).toBe(false);
      // Reading the calendar stays everyone's.
      await workdays('2025-09-29', '2025-09-30', countyAdmin).expect(200);
    });
  });

  describe('DELETE /api/calendar/overrides/:date', () => {
    const remove = (date: string, token = admin) =>
      t.http().delete(`/api/calendar/overrides/${date}`).set(bearer(token));

    it('restores the official arrangement', async () => {
      await putOverride('2025-09-29', { workday: false, note: 'local day off' }).expect(200);
      await remove('2025-09-29').expect(204);
      expect(await day('2025-09-29')).toEqual({
        date: '2025-09-29',
        workday: true,
        reason: 'weekday',
      });
    });

    it('answers 404 when the day has no override', async () => {
      expectError(await remove('2025-09-29'), 404, 'NOT_FOUND');
    });

    it('refuses a non-admin with 403 FORBIDDEN', async () => {
      await putOverride('2025-09-29', { workday: false, note: 'local day off' }).expect(200);
      const applicant = await registerApplicant(t);
      const res = await withoutRowChanges(t, OVERRIDES, () =>
        remove('2025-09-29', applicant.token),
      );
      expectError(res, 403, 'FORBIDDEN');
    });
  });
});

describe('a year announced after the package (OFFICIAL_CALENDAR_FILE)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A made-up 2027, as a county would drop in the State Council's notice for it.
    const path = join(mkdtempSync(join(tmpdir(), 'calendar-')), 'official-2027.json');
    writeFileSync(
      path,
      JSON.stringify({
        holidays: { '2027-01-01': "New Year's Day,元旦,1", '2027-01-04': "New Year's Day,元旦,1" },
        workdays: { '2027-01-09': "New Year's Day,元旦,1" },
      }),
    );
    t = await createTestApp({ OFFICIAL_CALENDAR_FILE: path }, { withWorker: false });
    await resetDatabase(t);
  });
  afterAll(() => t.close());

  it('counts the new year by its notice, and the package’s years as before', async () => {
    const admin = await adminToken(t);
    const res = await t
      .http()
      .get('/api/calendar/workdays')
      .query({ from: '2026-12-31', to: '2027-01-09' })
      .set(bearer(admin))
      .expect(200);
    const days = res.body as Day[];
    expect(days.filter((d) => d.workday).map((d) => d.date)).toEqual([
      '2026-12-31',
      '2027-01-05',
      '2027-01-06',
      '2027-01-07',
      '2027-01-08',
      '2027-01-09',
    ]);
    expect(days.find((d) => d.date === '2027-01-04')?.reason).toBe('holiday:元旦');
    expect(days.find((d) => d.date === '2027-01-09')?.reason).toBe('adjusted-workday:元旦');
  });

  it('refuses to start on a file it cannot read', async () => {
    await expect(
      createTestApp(
        { OFFICIAL_CALENDAR_FILE: '/nonexistent/official.json' },
        { withWorker: false },
      ),
    ).rejects.toThrow(/CALENDAR|calendar/);
  });
});
