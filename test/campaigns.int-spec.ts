import { registerApplicant } from './factories/applicants.factory';
import { campaignBody, createCampaign, REFERENCE_INCOME } from './factories/campaigns.factory';
import { createRegionTree, RegionTree } from './factories/regions.factory';
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

const CAMPAIGNS = ['campaigns'];

describe('campaigns', () => {
  let t: TestApp;
  let admin: string;
  let tree: RegionTree;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
    tree = await createRegionTree(t, admin, 1, 1);
  });

  const post = (body: Record<string, unknown>, token = admin) =>
    t.http().post('/api/campaigns').set(bearer(token)).send(body);

  /** Posts a campaign that must be refused, asserting the campaigns table is unchanged. */
  const refused = (overrides: Record<string, unknown>) =>
    withoutRowChanges(t, CAMPAIGNS, () => post(campaignBody(tree.countyId, overrides)));

  /** "CODE field" of each detail, sorted: compact to compare, clear when it fails. */
  const problemsOf = (details: { code: string; field?: string }[]): string[] =>
    details.map((d) => `${d.code} ${d.field}`).sort();

  describe('POST /api/campaigns', () => {
    it("fills in the notice's defaults, dated in the manual clock's year, and keeps the income exact", async () => {
      const created = await createCampaign(t, admin, tree.countyId, { referenceIncome: 41234.56 });
      expect(created).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        countyId: tree.countyId,
        referenceIncome: 41234.56,
        areaLimit: 10,
        incomeCoefficients: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
        areaTierBounds: [5, 6, 7, 8, 9, 10],
        ageCutoffDate: '2025-08-31',
        // The year before the survey: a cut-off after the window would require nothing (libs/domain).
        hukouCutoffDate: '2024-12-31',
        transferCutoffDate: '2025-08-31',
        opensOn: '2025-09-01',
        closesOn: '2025-10-26',
        reportDueOn: '2025-10-28',
        reviewDays: { community: 5, town: 10, bureau: 15 },
        noticeDays: 5,
      });
      const [row] = await t.db.query(`SELECT reference_income_fen FROM campaigns`);
      expect(row.reference_income_fen).toBe('4123456');
    });

    it('accepts a window that opens and closes on the same day', async () => {
      await createCampaign(t, admin, tree.countyId, {
        opensOn: '2025-10-26',
        closesOn: '2025-10-26',
        reportDueOn: '2025-10-26',
      });
    });

    it('accepts other tiers when they end at 1.0 and at the area limit', async () => {
      const created = await createCampaign(t, admin, tree.countyId, {
        areaLimit: 12.5,
        areaTierBounds: [6, 12.5],
        incomeCoefficients: [0.45, 1],
      });
      expect(created).toMatchObject({
        areaLimit: 12.5,
        areaTierBounds: [6, 12.5],
        incomeCoefficients: [0.45, 1],
      });
    });

    // Each broken rule is named by its code and by the request field it is about.
    it.each<[string, Record<string, unknown>, string[]]>([
      [
        'coefficients not increasing',
        { incomeCoefficients: [0.3, 0.5, 0.4, 1] },
        ['RULES_INCOME_COEFFICIENTS incomeCoefficients'],
      ],
      [
        'a repeated coefficient',
        { incomeCoefficients: [0.3, 0.3, 1] },
        ['RULES_INCOME_COEFFICIENTS incomeCoefficients'],
      ],
      [
        'coefficients ending below 1',
        { incomeCoefficients: [0.3, 0.9] },
        ['RULES_INCOME_COEFFICIENTS incomeCoefficients'],
      ],
      [
        'area bounds not increasing',
        { areaTierBounds: [5, 7, 6, 10] },
        ['RULES_AREA_TIER_BOUNDS areaTierBounds'],
      ],
      [
        'a last area bound below the limit',
        { areaTierBounds: [5, 6, 7, 8, 9] },
        ['RULES_AREA_TIER_BOUNDS areaTierBounds'],
      ],
      [
        'an area limit above the last bound',
        { areaLimit: 12 },
        ['RULES_AREA_TIER_BOUNDS areaTierBounds'],
      ],
      [
        'opening after closing',
        { opensOn: '2025-10-27', closesOn: '2025-10-26' },
        ['DATES_OUT_OF_ORDER closesOn'],
      ],
      [
        'the report due before closing',
        { reportDueOn: '2025-10-25' },
        ['DATES_OUT_OF_ORDER reportDueOn'],
      ],
      [
        'a window in 2027, a year without official calendar data',
        { opensOn: '2027-09-01', closesOn: '2027-10-26', reportDueOn: '2027-10-28' },
        [
          'CALENDAR_DATA_MISSING closesOn',
          'CALENDAR_DATA_MISSING opensOn',
          'CALENDAR_DATA_MISSING reportDueOn',
        ],
      ],
    ])('refuses %s with 422 INVALID_CAMPAIGN', async (_what, overrides, problems) => {
      const details = expectError(await refused(overrides), 422, 'INVALID_CAMPAIGN');
      expect(problemsOf(details)).toEqual(problems);
    });

    it.each<[string, () => string]>([
      ['a town', () => tree.towns[0].id],
      ['no region at all', () => '00000000-0000-4000-8000-000000000000'],
    ])(
      'refuses a countyId that is %s with 422 INVALID_CAMPAIGN naming INVALID_COUNTY',
      async (_what, id) => {
        const details = expectError(await refused({ countyId: id() }), 422, 'INVALID_CAMPAIGN');
        expect(details).toEqual([
          expect.objectContaining({ code: 'INVALID_COUNTY', field: 'countyId' }),
        ]);
      },
    );

    it('lists every broken parameter at once', async () => {
      const details = expectError(
        await refused({
          incomeCoefficients: [0.5, 0.4, 1],
          areaTierBounds: [5, 6],
          opensOn: '2025-11-01',
        }),
        422,
        'INVALID_CAMPAIGN',
      );
      expect(problemsOf(details)).toEqual([
        'DATES_OUT_OF_ORDER closesOn',
        'RULES_AREA_TIER_BOUNDS areaTierBounds',
        'RULES_INCOME_COEFFICIENTS incomeCoefficients',
      ]);
    });

    it('lists a town given as the county together with the other broken parameters', async () => {
      const details = expectError(
        await refused({ countyId: tree.towns[0].id, opensOn: '2025-11-01' }),
        422,
        'INVALID_CAMPAIGN',
      );
      expect(problemsOf(details)).toEqual([
        'DATES_OUT_OF_ORDER closesOn',
        'INVALID_COUNTY countyId',
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a reference income with three decimals', { referenceIncome: 41000.123 }, 'referenceIncome'],
      ['a negative reference income', { referenceIncome: -1 }, 'referenceIncome'],
      ['a zero reference income', { referenceIncome: 0 }, 'referenceIncome'],
      ['a reference income sent as a string', { referenceIncome: '41000' }, 'referenceIncome'],
      ['no reference income', { referenceIncome: undefined }, 'referenceIncome'],
      ['a coefficient above 1', { incomeCoefficients: [0.5, 1.1] }, 'incomeCoefficients'],
      ['a date without leading zeros', { opensOn: '2025-9-1' }, 'opensOn'],
      ['a date that does not exist', { closesOn: '2025-02-29' }, 'closesOn'],
      ['partial review days', { reviewDays: { community: 5 } }, 'reviewDays.town'],
      ['review days as an array', { reviewDays: [] }, 'reviewDays'],
      ['review days as an array of them', { reviewDays: [{ community: 5 }] }, 'reviewDays'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, overrides, field) => {
      const details = expectError(await refused(overrides), 400, 'VALIDATION_FAILED');
      expect(details).toContainEqual(expect.objectContaining({ field }));
    });

    it('names an unknown field with UNKNOWN_FIELD', async () => {
      const details = expectError(await refused({ budget: 100 }), 400, 'VALIDATION_FAILED');
      expect(details).toEqual([
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'budget' }),
      ]);
    });

    it('refuses a reference income of 1e309 in the raw JSON text with 400 VALIDATION_FAILED', async () => {
      const raw = `{"name":"x","countyId":"${tree.countyId}","referenceIncome":1e309}`;
      const res = await withoutRowChanges(t, CAMPAIGNS, () =>
        t
          .http()
          .post('/api/campaigns')
          .set(bearer(admin))
          .set('content-type', 'application/json')
          .send(raw),
      );
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field: 'referenceIncome' }),
      );
    });

    it('refuses an applicant and a bureau reviewer with 403 FORBIDDEN', async () => {
      const applicant = await registerApplicant(t);
      const bureau = await createStaff(t, admin, 'bureau_reviewer', tree.countyId);
      for (const token of [applicant.token, bureau.token]) {
        const res = await withoutRowChanges(t, CAMPAIGNS, () =>
          post(campaignBody(tree.countyId), token),
        );
        expectError(res, 403, 'FORBIDDEN');
      }
    });

    it('answers 401 without a token', async () => {
      const res = await withoutRowChanges(t, CAMPAIGNS, () =>
        t.http().post('/api/campaigns').send(campaignBody(tree.countyId)),
      );
      expectError(res, 401, 'UNAUTHENTICATED');
    });

    it('lets an administrator bound to a county create campaigns of that county only (404 elsewhere)', async () => {
      const other = await createRegionTree(t, admin, 1, 1);
      const countyAdmin = (await createStaff(t, admin, 'admin', tree.countyId)).token;
      await post(campaignBody(tree.countyId), countyAdmin).expect(201);
      const res = await withoutRowChanges(t, CAMPAIGNS, () =>
        post(campaignBody(other.countyId), countyAdmin),
      );
      expectError(res, 404, 'NOT_FOUND');
    });
  });

  describe('GET /api/campaigns/:id', () => {
    it('returns the campaign as it was created', async () => {
      const created = await createCampaign(t, admin, tree.countyId);
      const res = await t.http().get(`/api/campaigns/${created.id}`).set(bearer(admin)).expect(200);
      expect(res.body).toEqual(created);
      expect(res.body.referenceIncome).toBe(REFERENCE_INCOME);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await t
        .http()
        .get('/api/campaigns/00000000-0000-4000-8000-000000000000')
        .set(bearer(admin));
      expectError(res, 404, 'NOT_FOUND');
    });
  });
});
