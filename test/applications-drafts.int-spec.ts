import {
  ApplicationBody,
  ApplicationView,
  createApplicant,
  createDraft,
  familyBody,
  getApplication,
  residentId,
  returnForMaterials,
  setClock,
  submittable,
  uploadMaterial,
  submittedApplication,
} from './factories/applications.factory';
import { createCampaign } from './factories/campaigns.factory';
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

const APPLICATIONS = ['applications'];
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

type Property = Record<string, unknown>;

const withProperties = (body: ApplicationBody, properties: Property[]) => ({ ...body, properties });
const home = (body: ApplicationBody, area: number, more: Property = {}): Property => ({
  kind: 'private',
  ownerIdNumber: body.members[0].idNumber,
  address: '城南路1号',
  area,
  ...more,
});
const reasonCodes = (view: ApplicationView): string[] =>
  view.eligibility.reasons.map((r) => r.code);

/** The son's ID number replaced: an input error is then about members[2] alone. */
const withSonId = (body: ApplicationBody, idNumber: string) => ({
  ...body,
  members: body.members.map((m, i) => (i === 2 ? { ...m, idNumber } : m)),
});

/** A valid number of a boy born 2010-09-01 whose check character is X. */
function idEndingInX(): string {
  for (let order = 0; order < 100; order++) {
    const id = residentId({ birthDate: '2010-09-01', sex: 'male', order });
    if (id.endsWith('X')) return id;
  }
  throw new Error('no order gives the check character X');
}

const FULL_WIDTH_ZERO = 0xff10;
const toFullWidth = (id: string): string =>
  id.replace(/[0-9]/g, (d) => String.fromCharCode(FULL_WIDTH_ZERO + Number(d)));

/** "CODE field" of each detail, sorted. */
const problemsOf = (details: { code: string; field?: string }[]): string[] =>
  details.map((d) => `${d.code} ${d.field}`).sort();

describe('applications: drafts', () => {
  let t: TestApp;
  let admin: string;
  let tree: RegionTree;
  let campaignId: string;
  let community: string;
  let applicant: { token: string };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
    tree = await createRegionTree(t, admin, 2, 2);
    community = tree.towns[0].communities[0];
    campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 })).id;
    applicant = await createApplicant(t);
  });

  const family = (overrides: { area?: number; income?: number } = {}) =>
    familyBody(campaignId, community, overrides);
  /** A ready application of `body` submitted by the applicant of `token`: its id. */
  const submittedId = async (body = family(), token = applicant.token) =>
    (await submittedApplication(t, token, body)).id;
  const post = (body: unknown, token = applicant.token) =>
    t
      .http()
      .post('/api/applications')
      .set(bearer(token))
      .send(body as object);
  /** Posts a body that must be refused, asserting no application was written. */
  const refused = (body: unknown) => withoutRowChanges(t, APPLICATIONS, () => post(body));

  describe('POST /api/applications', () => {
    it('answers 201 with a draft: figures, tiers, eligibility, the checklist, and sex and birth date read from each ID', async () => {
      const body = family();
      const [husband, wife, son] = body.members;
      const res = await post(body);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        campaignId,
        communityId: community,
        status: 'draft',
        level: null,
        members: [
          { ...husband, sex: 'male', birthDate: '1980-03-15' },
          { ...wife, sex: 'female', birthDate: '1982-06-20' },
          { ...son, sex: 'male', birthDate: '2010-09-01' },
        ],
        properties: [
          {
            id: expect.any(String),
            kind: 'private',
            ownerIdNumber: husband.idNumber,
            address: '城南路1号',
            area: 30,
            transferredOn: null,
            transferReason: null,
            counted: true,
          },
        ],
        persons: 3,
        householdIncome: 15000,
        perCapitaIncome: 5000,
        countedArea: 30,
        perCapitaArea: 10,
        incomeTier: 0.3,
        areaTier: 10,
        eligibility: { eligible: true, reasons: [] },
        missingMaterials: [
          { type: 'survey_form' },
          { type: 'hukou_identity_proof', memberIdNumber: husband.idNumber },
          { type: 'income_employer_certificate', memberIdNumber: husband.idNumber },
          { type: 'hukou_identity_proof', memberIdNumber: wife.idNumber },
          { type: 'income_employer_certificate', memberIdNumber: wife.idNumber },
          { type: 'hukou_identity_proof', memberIdNumber: son.idNumber },
          { type: 'marriage_certificate' },
          { type: 'housing_proof', propertyId: res.body.properties[0].id },
        ],
        materials: [],
        submittedAt: null,
        dueAt: null,
        overdue: false,
        noticeEndsAt: null,
        archiveNo: null,
        version: 1,
      });
    });

    it('stores the figures exactly, in fen and 0.01 m², next to the declaration', async () => {
      const created = await createDraft(t, applicant.token, family({ income: 12000.01 }));
      const rows = await t.db.query(
        `SELECT status, persons, household_income_fen, counted_area_centi, income_tier, area_tier,
                eligible, version, applicant_user_id IS NOT NULL AS owned
           FROM applications WHERE id = $1`,
        [created.id],
      );
      expect(rows).toEqual([
        {
          status: 'draft',
          persons: 3,
          household_income_fen: '1800001',
          counted_area_centi: 3000,
          income_tier: 40,
          area_tier: 1000,
          eligible: true,
          version: 1,
          owned: true,
        },
      ]);
    });

    describe('lands a household of 3 (reference income 20,000.00) on the documented side of each bound', () => {
      it.each<[string, number, Record<string, unknown>, string[]]>([
        ['30.00 m² is in area tier 10 and eligible', 30, { perCapitaArea: 10, areaTier: 10 }, []],
        [
          '30.01 m² has no area tier and is above the limit',
          30.01,
          { perCapitaArea: 10, areaTier: null },
          ['AREA_ABOVE_LIMIT'],
        ],
        [
          '30.03 m² has no area tier and is above the limit',
          30.03,
          { perCapitaArea: 10.01, areaTier: null },
          ['AREA_ABOVE_LIMIT'],
        ],
        ['15.00 m² is in area tier 5', 15, { perCapitaArea: 5, areaTier: 5 }, []],
        ['15.03 m² is in area tier 6', 15.03, { perCapitaArea: 5.01, areaTier: 6 }, []],
      ])('%s', async (_what, area, figures, reasons) => {
        const res = await post(family({ area }));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ persons: 3, countedArea: area, ...figures });
        expect(reasonCodes(res.body)).toEqual(reasons);
        expect(res.body.eligibility.eligible).toBe(reasons.length === 0);
      });

      it.each<[string, number, number, number | null, string[]]>([
        ['18,000.00 yuan (exactly 0.3 × 20,000 × 3) is in income tier 0.3', 12000, 18000, 0.3, []],
        ['18,000.01 yuan is in income tier 0.4', 12000.01, 18000.01, 0.4, []],
        ['60,000.00 yuan (exactly the reference income each) is in tier 1.0', 54000, 60000, 1, []],
        [
          '60,000.01 yuan has no income tier and is above the limit',
          54000.01,
          60000.01,
          null,
          ['INCOME_ABOVE_LIMIT'],
        ],
      ])('%s', async (_what, husbandIncome, householdIncome, tier, reasons) => {
        const res = await post(family({ income: husbandIncome }));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ householdIncome, incomeTier: tier });
        expect(reasonCodes(res.body)).toEqual(reasons);
        expect(res.body.eligibility.eligible).toBe(reasons.length === 0);
      });

      it("a household declaring no property is a no-housing household (area tier 'none')", async () => {
        const res = await post(withProperties(family(), []));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          countedArea: 0,
          perCapitaArea: 0,
          areaTier: 'none',
          eligibility: { eligible: true, reasons: [] },
        });
      });

      it("a household with only non-residential property counts 0 m² and is in area tier 'none'", async () => {
        const body = family();
        const shop = home(body, 80, { kind: 'non_residential', address: '商铺' });
        const res = await post(withProperties(body, [shop]));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          countedArea: 0,
          areaTier: 'none',
          properties: [{ kind: 'non_residential', area: 80, counted: false }],
          eligibility: { eligible: true, reasons: [] },
        });
        expect(res.body.missingMaterials).toContainEqual({
          type: 'housing_proof',
          propertyId: res.body.properties[0].id,
        });
      });

      it('a home sold on 2025-09-01, after the transfer cut-off 2025-08-31, still counts', async () => {
        const body = family();
        const sold = home(body, 15, { transferredOn: '2025-09-01', transferReason: 'sale' });
        const res = await post(withProperties(body, [home(body, 30), sold]));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          countedArea: 45,
          areaTier: null,
          properties: [{ counted: true }, { transferredOn: '2025-09-01', counted: true }],
        });
        expect(reasonCodes(res.body)).toEqual(['AREA_ABOVE_LIMIT']);
      });

      it('a home sold on the transfer cut-off itself (2025-08-31) no longer counts', async () => {
        const body = family();
        const sold = home(body, 15, { transferredOn: '2025-08-31', transferReason: 'sale' });
        const res = await post(withProperties(body, [home(body, 30), sold]));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          countedArea: 30,
          areaTier: 10,
          properties: [{ counted: true }, { transferredOn: '2025-08-31', counted: false }],
          eligibility: { eligible: true, reasons: [] },
        });
      });
    });

    it("judges hukou against the communities of the campaign's county", async () => {
      const elsewhere = await createRegionTree(t, admin, 1, 1);
      const body = family();
      const [husband, wife, son] = body.members;
      husband.hukouCommunityId = tree.towns[0].id;
      wife.hukouCommunityId = tree.towns[1].communities[1];
      son.hukouCommunityId = elsewhere.towns[0].communities[0];
      const res = await post(body);
      expect(res.status).toBe(201);
      expect(res.body.eligibility.reasons).toEqual([
        expect.objectContaining({ code: 'HUKOU_NOT_LOCAL', memberIdNumber: husband.idNumber }),
        expect.objectContaining({ code: 'HUKOU_NOT_LOCAL', memberIdNumber: son.idNumber }),
      ]);
      // The view looks the county's communities up itself, from the stored members' hukou:
      // the same judgement.
      const seen = await getApplication(t, applicant.token, res.body.id);
      expect(seen.eligibility).toEqual(res.body.eligibility);
      // Registered elsewhere than where they live: that community's certificate is needed.
      for (const member of [husband, wife, son]) {
        expect(res.body.missingMaterials).toContainEqual({
          type: 'hukou_housing_certificate',
          memberIdNumber: member.idNumber,
        });
      }
    });

    it('saves an ineligible draft (201) with every reason at once', async () => {
      const body = family({ area: 30.01, income: 54000.01 });
      body.members[1].hukouSince = '2025-03-01';
      const res = await post(body);
      expect(res.status).toBe(201);
      expect(res.body.eligibility.eligible).toBe(false);
      expect(reasonCodes(res.body)).toEqual([
        'HUKOU_TOO_LATE',
        'AREA_ABOVE_LIMIT',
        'INCOME_ABOVE_LIMIT',
      ]);
      const stored = await getApplication(t, applicant.token, res.body.id);
      expect(reasonCodes(stored)).toEqual(reasonCodes(res.body));
      const [row] = await t.db.query(`SELECT eligible, income_tier, area_tier FROM applications`);
      expect(row).toEqual({ eligible: false, income_tier: null, area_tier: null });
    });

    describe('refuses a hostile number with 400 VALIDATION_FAILED and writes nothing', () => {
      it.each<[string, unknown]>([
        ['three decimals', 12.345],
        ['a negative amount', -1],
        ['a string', '12'],
        ['null', null],
      ])('an annual income that is %s', async (_what, value) => {
        const body = family();
        (body.members[0] as Record<string, unknown>).annualIncome = value;
        const details = expectError(await refused(body), 400, 'VALIDATION_FAILED');
        expect(details).toContainEqual(
          expect.objectContaining({ code: 'INVALID_FIELD', field: 'members.0.annualIncome' }),
        );
      });

      it.each<[string, number]>([
        ['zero', 0],
        ['above 100,000 m²', 100000.01],
        ['1e-7', 1e-7],
        ['three decimals', 30.001],
      ])('an area that is %s', async (_what, area) => {
        const details = expectError(await refused(family({ area })), 400, 'VALIDATION_FAILED');
        expect(details).toContainEqual(
          expect.objectContaining({ code: 'INVALID_FIELD', field: 'properties.0.area' }),
        );
      });

      it.each<[string, string, (body: ReturnType<typeof family>, value: string) => void]>([
        ['a hukou date', 'members.0.hukouSince', (b, v) => (b.members[0].hukouSince = v)],
        [
          'a transfer date',
          'properties.0.transferredOn',
          (b, v) => Object.assign(b.properties[0], { transferredOn: v, transferReason: 'sale' }),
        ],
      ])(
        '%s that does not exist (a malformed date, not a broken rule)',
        async (_what, field, set) => {
          for (const date of ['2025-02-30', '2023-13-01', '2025-04-31']) {
            const body = family();
            set(body, date);
            const details = expectError(await refused(body), 400, 'VALIDATION_FAILED');
            expect(details).toContainEqual(
              expect.objectContaining({ code: 'INVALID_FIELD', field }),
            );
          }
        },
      );

      it('an annual income of 1e309 in the raw JSON text (Infinity once parsed)', async () => {
        const raw = JSON.stringify(family({ income: 123456.78 })).replace('123456.78', '1e309');
        expect(raw).toContain('"annualIncome":1e309');
        const res = await withoutRowChanges(t, APPLICATIONS, () =>
          t
            .http()
            .post('/api/applications')
            .set(bearer(applicant.token))
            .set('content-type', 'application/json')
            .send(raw),
        );
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
          expect.objectContaining({ field: 'members.0.annualIncome' }),
        );
      });
    });

    describe('refuses a bad ID number with 422 INVALID_HOUSEHOLD naming the domain code, and writes nothing', () => {
      const valid = () => residentId({ birthDate: '2010-09-01', sex: 'male', order: 77 });
      it.each<[string, () => string, string]>([
        [
          'a wrong check character',
          () => `${valid().slice(0, 17)}${valid().endsWith('0') ? '1' : '0'}`,
          'ID_CHECKSUM',
        ],
        [
          'the birth date 1999-02-30',
          () => residentId({ birthDate: '1999-02-30', order: 77 }),
          'ID_BIRTH_DATE',
        ],
        ['17 digits', () => valid().slice(0, 17), 'ID_FORMAT'],
        ['19 characters', () => `${valid()}1`, 'ID_FORMAT'],
        ['a lowercase x', () => idEndingInX().toLowerCase(), 'ID_LOWERCASE_X'],
        ['full-width digits', () => toFullWidth(valid()), 'ID_FORMAT'],
        ['province code 00', () => residentId({ region: '000000', order: 77 }), 'ID_REGION'],
      ])('%s', async (_what, id, code) => {
        const idNumber = id();
        const res = await refused(withSonId(family(), idNumber));
        const details = expectError(res, 422, 'INVALID_HOUSEHOLD');
        expect(details).toEqual([
          { code, field: 'members[2].idNumber', message: expect.any(String) },
        ]);
      });
    });

    it.each<[string, (body: ApplicationBody) => void, string]>([
      ['a name', (body) => (body.members[0].name = '张\u0000三'), 'members.0.name'],
      [
        'an ID number',
        (body) => (body.members[2].idNumber = `${body.members[2].idNumber.slice(0, 17)}\u0000`),
        'members.2.idNumber',
      ],
      [
        'an address',
        (body) => (body.properties[0].address = '城南路\u00001号'),
        'properties.0.address',
      ],
    ])(
      'refuses a NUL character in %s with 400 VALIDATION_FAILED, not a 500, and writes nothing',
      async (_what, edit, field) => {
        const body = family();
        edit(body);
        const details = expectError(await refused(body), 400, 'VALIDATION_FAILED');
        expect(details).toContainEqual(expect.objectContaining({ field }));
      },
    );

    it.each<[string, (body: ApplicationBody) => unknown, string]>([
      ['at the top level', (body) => ({ ...body, note: 'x' }), 'note'],
      [
        'inside a member',
        (body) => ({
          ...body,
          members: [{ ...body.members[0], nickname: 'x' }, ...body.members.slice(1)],
        }),
        'members.0.nickname',
      ],
      [
        'inside a property',
        (body) => ({ ...body, properties: [{ ...body.properties[0], floor: 3 }] }),
        'properties.0.floor',
      ],
    ])('refuses an unknown field %s with 400 UNKNOWN_FIELD', async (_what, edit, field) => {
      const details = expectError(await refused(edit(family())), 400, 'VALIDATION_FAILED');
      expect(details).toEqual([expect.objectContaining({ code: 'UNKNOWN_FIELD', field })]);
    });

    // ValidateNested takes an array for an element: it must be refused, not reach the rules (a 500).
    it.each<[string, (body: ApplicationBody) => unknown, string]>([
      ['a member that is an array', (body) => ({ ...body, members: [[]] }), 'members'],
      ['a property that is an array', (body) => ({ ...body, properties: [[]] }), 'properties'],
      ['a member that is a string', (body) => ({ ...body, members: ['x'] }), 'members'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, edit, field) => {
      const details = expectError(await refused(edit(family())), 400, 'VALIDATION_FAILED');
      expect(details).toContainEqual(expect.objectContaining({ field }));
    });

    describe('the size of a declaration', () => {
      /** The family plus `n` unmarried children, each with a distinct valid ID number. */
      const withChildren = (body: ApplicationBody, n: number) => ({
        ...body,
        members: [
          ...body.members,
          ...Array.from({ length: n }, (_, i) => ({
            ...body.members[2],
            name: `子${i}`,
            idNumber: residentId({ birthDate: '2012-01-01', sex: 'female', order: i }),
            hukouSince: '2012-02-01',
          })),
        ],
      });
      const homes = (body: ApplicationBody, n: number) =>
        withProperties(
          body,
          Array.from({ length: n }, (_, i) => home(body, 1, { address: `城南路${i}号` })),
        );

      it('accepts 20 members', async () => {
        const res = await post(withChildren(family(), 17));
        expect(res.status).toBe(201);
        expect(res.body.persons).toBe(20);
      });

      it('refuses 21 members with 400 and writes nothing', async () => {
        const details = expectError(
          await refused(withChildren(family(), 18)),
          400,
          'VALIDATION_FAILED',
        );
        expect(problemsOf(details)).toEqual(['INVALID_FIELD members']);
      });

      it('accepts 50 properties', async () => {
        const res = await post(homes(family(), 50));
        expect(res.status).toBe(201);
        expect(res.body.countedArea).toBe(50);
      });

      it('refuses 51 properties with 400 and writes nothing', async () => {
        const details = expectError(await refused(homes(family(), 51)), 400, 'VALIDATION_FAILED');
        expect(problemsOf(details)).toEqual(['INVALID_FIELD properties']);
      });
    });

    it.each<[string, () => string | Promise<string>]>([
      [
        "a community of another county than the campaign's",
        async () => (await createRegionTree(t, admin, 1, 1)).towns[0].communities[0],
      ],
      ['a town', () => tree.towns[0].id],
      ['the county', () => tree.countyId],
      ['no region at all', () => NO_SUCH_ID],
    ])('refuses %s as communityId with 422 INVALID_COMMUNITY', async (_what, id) => {
      const communityId = await id();
      const body = familyBody(campaignId, communityId);
      expectError(await refused(body), 422, 'INVALID_COMMUNITY');
    });

    it('refuses an unknown campaign with 422 UNKNOWN_CAMPAIGN', async () => {
      expectError(await refused(familyBody(NO_SUCH_ID, community)), 422, 'UNKNOWN_CAMPAIGN');
    });

    it('refuses staff with 403 and no token with 401, writing nothing', async () => {
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      expectError(
        await withoutRowChanges(t, APPLICATIONS, () => post(family(), reviewer.token)),
        403,
        'FORBIDDEN',
      );
      const anonymous = await withoutRowChanges(t, APPLICATIONS, () =>
        t.http().post('/api/applications').send(family()),
      );
      expectError(anonymous, 401, 'UNAUTHENTICATED');
    });
  });

  describe('PUT /api/applications/:id', () => {
    const put = (id: string, body: unknown, token = applicant.token) =>
      t
        .http()
        .put(`/api/applications/${id}`)
        .set(bearer(token))
        .send(body as object);

    it('replaces the declaration: a property listed with its id keeps it, one without gets a new id', async () => {
      const body = family();
      const flat = home(body, 20, { address: '甲' });
      const garage = home(body, 10, { address: '乙', kind: 'non_residential' });
      const draft = await createDraft(t, applicant.token, withProperties(body, [flat, garage]));
      const [flatId, garageId] = draft.properties.map((p) => p.id);
      const proof = await uploadMaterial(t, applicant.token, draft.id, {
        type: 'housing_proof',
        propertyId: flatId,
      });
      expect(proof.status).toBe(201);

      const replaced = { ...body, members: body.members.map((m) => ({ ...m })) };
      replaced.members[0].annualIncome = 12000.01;
      const res = await put(
        draft.id,
        withProperties(replaced, [
          { ...flat, id: flatId, area: 21 },
          { ...garage, address: '丙' },
        ]),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: draft.id,
        status: 'draft',
        version: 2,
        householdIncome: 18000.01,
        incomeTier: 0.4,
        countedArea: 21,
        properties: [
          { id: flatId, address: '甲', area: 21 },
          { address: '丙', area: 10 },
        ],
      });
      expect(res.body.properties[1].id).not.toBe(garageId);
      expect(res.body.properties[1].id).not.toBe(flatId);
      // The proof of the kept property still counts; the new one needs its own.
      expect(res.body.missingMaterials).not.toContainEqual({
        type: 'housing_proof',
        propertyId: flatId,
      });
      expect(res.body.missingMaterials).toContainEqual({
        type: 'housing_proof',
        propertyId: res.body.properties[1].id,
      });
      expect(await getApplication(t, applicant.token, draft.id)).toEqual(res.body);
      const [row] = await t.db.query(`SELECT version, household_income_fen FROM applications`);
      expect(row).toEqual({ version: 2, household_income_fen: '1800001' });
    });

    it('keeps the ids of the same homes when the body names none, as the contract sends it', async () => {
      const body = family();
      const flat = home(body, 20, { address: '甲' });
      // A second declaration at the same address (another flat of the same owner), by its area.
      const twin = home(body, 30, { address: '甲' });
      const garage = home(body, 10, { address: '乙', kind: 'non_residential' });
      const draft = await createDraft(
        t,
        applicant.token,
        withProperties(body, [flat, garage, twin]),
      );
      const ids = draft.properties.map((p) => p.id);
      const proof = await uploadMaterial(t, applicant.token, draft.id, {
        type: 'housing_proof',
        propertyId: ids[0],
      });
      expect(proof.status).toBe(201);

      // The same body again, in another order and with the flat's area corrected: no ids in it.
      const res = await put(draft.id, withProperties(body, [garage, twin, { ...flat, area: 21 }]));
      expect(res.status).toBe(200);
      const view = res.body as ApplicationView;
      expect(view.properties.map((p) => p.id)).toEqual([ids[1], ids[2], ids[0]]);
      expect(view.missingMaterials).not.toContainEqual({
        type: 'housing_proof',
        propertyId: ids[0],
      });
      // A home no longer declared takes its id with it; a new one gets its own.
      const again = await put(
        draft.id,
        withProperties(body, [{ ...flat, area: 21 }, home(body, 15, { address: '丁' })]),
      );
      const replaced = again.body as ApplicationView;
      expect(replaced.properties[0].id).toBe(ids[0]);
      expect(ids).not.toContain(replaced.properties[1].id);
    });

    it("gives a new id to a property that names another application's property id", async () => {
      const other = await createDraft(t, applicant.token, family());
      const body = family();
      const draft = await createDraft(t, applicant.token, body);
      const res = await put(
        draft.id,
        withProperties(body, [{ ...home(body, 30), id: other.properties[0].id }]),
      );
      expect(res.status).toBe(200);
      expect(res.body.properties[0].id).not.toBe(other.properties[0].id);
      expect(res.body.properties[0].id).not.toBe(draft.properties[0].id);
    });

    it('refuses an invalid body with 400 and leaves the draft as it was', async () => {
      const body = family();
      const draft = await createDraft(t, applicant.token, body);
      const bad = family({ area: 12.345 });
      expectError(await put(draft.id, bad), 400, 'VALIDATION_FAILED');
      const bad422 = withSonId(body, body.members[2].idNumber.slice(0, 17));
      expectError(await put(draft.id, bad422), 422, 'INVALID_HOUSEHOLD');
      expectError(await put(draft.id, { ...body, members: [[]] }), 400, 'VALIDATION_FAILED');
      expectError(await put(draft.id, { ...body, properties: [[]] }), 400, 'VALIDATION_FAILED');
      expect(await getApplication(t, applicant.token, draft.id)).toEqual(draft);
    });

    it('answers 404 to another applicant and leaves the draft as it was', async () => {
      const draft = await createDraft(t, applicant.token, family());
      const intruder = await createApplicant(t);
      expectError(await put(draft.id, family({ area: 10 }), intruder.token), 404, 'NOT_FOUND');
      expect(await getApplication(t, applicant.token, draft.id)).toEqual(draft);
    });

    it('answers 403 to staff, even the reviewer of its community', async () => {
      const draft = await createDraft(t, applicant.token, family());
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      expectError(await put(draft.id, family({ area: 10 }), reviewer.token), 403, 'FORBIDDEN');
      expectError(await put(draft.id, family({ area: 10 }), admin), 403, 'FORBIDDEN');
      expect((await getApplication(t, applicant.token, draft.id)).version).toBe(1);
    });

    it('answers 404 for an unknown id and 400 for an id that is not a UUID', async () => {
      expectError(await put(NO_SUCH_ID, family()), 404, 'NOT_FOUND');
      expectError(await put('not-a-uuid', family()), 400, 'VALIDATION_FAILED');
    });

    it('answers 409 NOT_EDITABLE once the application is submitted', async () => {
      const submitted = await submittedId();
      const res = await put(submitted, family({ area: 10 }));
      expectError(res, 409, 'NOT_EDITABLE');
      const after = await getApplication(t, applicant.token, submitted);
      expect(after).toMatchObject({ status: 'community_review', countedArea: 30, version: 2 });
    });

    /** `body`'s application, submitted and returned by its community's reviewer. */
    async function returnedApplication(body: ReturnType<typeof family>) {
      const ready = await submittable(t, applicant.token, body);
      await submitAs(ready.id).expect(200);
      const reviewer = await createStaff(t, admin, 'community_reviewer', community, '赵社区');
      await returnForMaterials(t, { ...reviewer, name: '赵社区' }, ready.id);
      return ready;
    }
    const submitAs = (id: string) =>
      t.http().post(`/api/applications/${id}/submit`).set(bearer(applicant.token));

    it('frees a member the applicant removes from a returned application once it is resubmitted', async () => {
      const body = family();
      const ready = await returnedApplication(body);
      const submit = () => submitAs(ready.id);

      const oldSon = body.members[2].idNumber;
      const newSon = residentId({ birthDate: '2010-09-01', sex: 'male', order: 95 });
      const kept = { ...body.properties[0], id: ready.properties[0].id };
      const replaced = await put(ready.id, withProperties(withSonId(body, newSon), [kept]));
      expect(replaced.status).toBe(200);
      expect((replaced.body as ApplicationView).status).toBe('returned');
      await uploadMaterial(t, applicant.token, ready.id, {
        type: 'hukou_identity_proof',
        memberIdNumber: newSon,
      }).expect(201);
      expect((await submit()).status).toBe(200);

      const held: { id_number: string }[] = await t.db.query(
        `SELECT trim(id_number) AS id_number FROM live_memberships WHERE application_id = $1`,
        [ready.id],
      );
      expect(held.map((r) => r.id_number).sort()).toEqual(
        [body.members[0].idNumber, body.members[1].idNumber, newSon].sort(),
      );
      // The son no longer declared may join another household's application.
      const neighbour = await createApplicant(t);
      const withOld = await createDraft(t, neighbour.token, withSonId(family(), oldSon));
      expect(reasonCodes(withOld)).toEqual([]);
    });

    it('answers 409 PLACE_FIXED_AFTER_SUBMISSION to moving a returned application to another community or campaign, and changes nothing', async () => {
      const ready = await returnedApplication(family());
      const returned = await getApplication(t, applicant.token, ready.id);
      const otherTown = tree.towns[1].communities[0];
      const otherCampaign = (
        await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 })
      ).id;

      const moves = [
        familyBody(campaignId, otherTown),
        familyBody(campaignId, tree.towns[0].communities[1]),
        familyBody(otherCampaign, community),
      ];
      for (const body of moves) {
        const res = await withoutRowChanges(t, APPLICATIONS, () => put(ready.id, body));
        expectError(res, 409, 'PLACE_FIXED_AFTER_SUBMISSION');
      }
      expect(await getApplication(t, applicant.token, ready.id)).toEqual(returned);
      // In its own community and campaign it is still the applicant's to fix.
      expect((await put(ready.id, family({ area: 10 }))).status).toBe(200);
    });
  });

  describe('GET /api/applications/:id', () => {
    let draft: ApplicationView;
    beforeEach(async () => {
      draft = await createDraft(t, applicant.token, family());
    });
    const get = (token: string) => t.http().get(`/api/applications/${draft.id}`).set(bearer(token));

    it('shows the owner the draft as it was created', async () => {
      const res = await get(applicant.token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(draft);
    });

    it.each<[string, (tree: RegionTree) => [string, string | undefined]]>([
      [
        'the community reviewer of its community',
        (r) => ['community_reviewer', r.towns[0].communities[0]],
      ],
      ['the town reviewer of its town', (r) => ['town_reviewer', r.towns[0].id]],
      ['a bureau reviewer', (r) => ['bureau_reviewer', r.countyId]],
      ['an administrator', () => ['admin', undefined]],
    ])(
      'hides the draft from %s (404), and shows the application once submitted',
      async (_who, role) => {
        const [name, regionId] = role(tree);
        const staff = await createStaff(t, admin, name, regionId);
        // A draft is the household's own until it applies (canRead): nor its history, nor a decision.
        expectError(await get(staff.token), 404, 'NOT_FOUND');
        for (const path of ['history', 'history/verify']) {
          const res = await t
            .http()
            .get(`/api/applications/${draft.id}/${path}`)
            .set(bearer(staff.token));
          expectError(res, 404, 'NOT_FOUND');
        }
        if (name !== 'admin') {
          const decision = await t
            .http()
            .post(`/api/applications/${draft.id}/decisions`)
            .set(bearer(staff.token))
            .send({ decision: 'approve', opinion: '同意', signature: '王审核' });
          expectError(decision, 404, 'NOT_FOUND');
        }
        const submitted = await submittedId();
        const res = await t.http().get(`/api/applications/${submitted}`).set(bearer(staff.token));
        expect(res.status).toBe(200);
        expect(res.body).toEqual(await getApplication(t, applicant.token, submitted));
      },
    );

    it.each<[string, (tree: RegionTree) => [string, string]]>([
      [
        'the community reviewer of a sibling community',
        (r) => ['community_reviewer', r.towns[0].communities[1]],
      ],
      ['the town reviewer of the other town', (r) => ['town_reviewer', r.towns[1].id]],
    ])('answers 404 to %s, submitted or not', async (_who, role) => {
      const [name, regionId] = role(tree);
      const staff = await createStaff(t, admin, name, regionId);
      // Submitted: outside their region is what hides it.
      const submitted = await submittedId();
      const res = await t.http().get(`/api/applications/${submitted}`).set(bearer(staff.token));
      expectError(res, 404, 'NOT_FOUND');
      expectError(await get(staff.token), 404, 'NOT_FOUND');
    });

    it('answers 404 to another applicant, the same as for an unknown id', async () => {
      const other = await createApplicant(t);
      expectError(await get(other.token), 404, 'NOT_FOUND');
      const unknown = await t
        .http()
        .get(`/api/applications/${NO_SUCH_ID}`)
        .set(bearer(applicant.token));
      expectError(unknown, 404, 'NOT_FOUND');
    });
  });

  describe('GET /api/applications', () => {
    const list = (token: string, query: Record<string, string | number> = {}) =>
      t.http().get('/api/applications').query(query).set(bearer(token));
    const idsOf = (res: { body: { items: { id: string }[] } }): string[] =>
      res.body.items.map((i) => i.id).sort();

    /**
     * Applicant A: in community 0-0 one submitted and one draft, in 0-1 one
     * submitted; applicant B: one submitted in 1-0. Staff never see the draft.
     */
    async function fourApplications() {
      const b = await createApplicant(t);
      const [c00, c01] = tree.towns[0].communities;
      const c10 = tree.towns[1].communities[0];
      const submittedBy = (token: string, communityId: string) =>
        submittedId(familyBody(campaignId, communityId), token);
      const submitted = await submittedBy(applicant.token, c00);
      const a00 = await createDraft(t, applicant.token, familyBody(campaignId, c00));
      const a01 = await submittedBy(applicant.token, c01);
      const b10 = await submittedBy(b.token, c10);
      return { b, submitted, a00: a00.id, a01, b10 };
    }

    it('shows applicants only their own applications, with the right total', async () => {
      const apps = await fourApplications();
      const mine = await list(applicant.token);
      expect(mine.status).toBe(200);
      expect(idsOf(mine)).toEqual([apps.submitted, apps.a00, apps.a01].sort());
      expect(mine.body.total).toBe(3);
      const theirs = await list(apps.b.token);
      expect(idsOf(theirs)).toEqual([apps.b10]);
      expect(theirs.body.total).toBe(1);
    });

    it('shows each reviewer only what lies inside their region', async () => {
      const apps = await fourApplications();
      const [c00] = tree.towns[0].communities;
      const community00 = await createStaff(t, admin, 'community_reviewer', c00);
      const town1 = await createStaff(t, admin, 'town_reviewer', tree.towns[1].id);
      const bureau = await createStaff(t, admin, 'bureau_reviewer', tree.countyId);

      const seen00 = await list(community00.token);
      expect(idsOf(seen00)).toEqual([apps.submitted]); // not the draft beside it
      expect(seen00.body.total).toBe(1);
      expect(idsOf(await list(town1.token))).toEqual([apps.b10]);
      expect((await list(bureau.token)).body.total).toBe(3);
      expect((await list(admin)).body.total).toBe(3);
    });

    it('summarises each application in the list', async () => {
      const apps = await fourApplications();
      const c00 = tree.towns[0].communities[0];
      const res = await list(applicant.token, { status: 'community_review', regionId: c00 });
      expect(res.body).toEqual({
        items: [
          expect.objectContaining({
            id: apps.submitted,
            campaignId,
            status: 'community_review',
            level: 'community',
            persons: 3,
            eligible: true,
            incomeTier: 0.3,
            areaTier: 10,
            overdue: false,
          }),
        ],
        total: 1,
      });
    });

    it('filters by status', async () => {
      const apps = await fourApplications();
      const drafts = await list(applicant.token, { status: 'draft' });
      expect(idsOf(drafts)).toEqual([apps.a00]);
      expect(drafts.body.total).toBe(1);
      // Staff never see a draft, whatever they ask.
      expect((await list(admin, { status: 'draft' })).body).toEqual({ items: [], total: 0 });
      const submitted = await list(admin, { status: 'community_review' });
      expect(idsOf(submitted)).toEqual([apps.submitted, apps.a01, apps.b10].sort());
      expect((await list(admin, { status: 'approved' })).body).toEqual({ items: [], total: 0 });
    });

    it('filters by region, and a region outside the caller’s jurisdiction gives no items', async () => {
      const apps = await fourApplications();
      const [c00, c01] = tree.towns[0].communities;
      expect(idsOf(await list(admin, { regionId: c01 }))).toEqual([apps.a01]);
      expect(idsOf(await list(admin, { regionId: tree.towns[1].id }))).toEqual([apps.b10]);
      const reviewer = await createStaff(t, admin, 'community_reviewer', c00);
      expect((await list(reviewer.token, { regionId: c01 })).body).toEqual({ items: [], total: 0 });
      expect((await list(reviewer.token, { regionId: tree.towns[1].id })).body).toEqual({
        items: [],
        total: 0,
      });
      expect((await list(reviewer.token, { regionId: NO_SUCH_ID })).body).toEqual({
        items: [],
        total: 0,
      });
      // A wider region than their own still shows only their own.
      expect(idsOf(await list(reviewer.token, { regionId: tree.countyId }))).toEqual([
        apps.submitted,
      ]);
    });

    it('filters by level and by overdue, a deadline being exclusive', async () => {
      const apps = await fourApplications();
      const submitted = [apps.submitted, apps.a01, apps.b10].sort();
      expect(idsOf(await list(admin, { level: 'community' }))).toEqual(submitted);
      expect((await list(admin, { level: 'town' })).body).toEqual({ items: [], total: 0 });
      // Submitted on Mon 2025-09-01: 5 working days end with Mon 2025-09-08.
      await setClock(t, admin, '2025-09-08T23:59:59+08:00');
      expect((await list(admin, { overdue: 'true' })).body).toEqual({ items: [], total: 0 });
      await setClock(t, admin, '2025-09-09T00:00:00+08:00');
      const overdue = await list(admin, { overdue: 'true' });
      expect(idsOf(overdue)).toEqual(submitted);
      expect(overdue.body.items[0]).toMatchObject({
        dueAt: '2025-09-09T00:00:00+08:00',
        overdue: true,
      });
      expect((await list(admin, { overdue: 'false' })).body).toEqual({ items: [], total: 0 });
      expect(idsOf(await list(applicant.token, { overdue: 'false' }))).toEqual([apps.a00]);
      expect((await getApplication(t, applicant.token, apps.submitted)).overdue).toBe(true);
    });

    it('pages through the list without losing or repeating an item', async () => {
      const apps = await fourApplications();
      const first = await list(admin, { page: 1, pageSize: 2 });
      const second = await list(admin, { page: 2, pageSize: 2 });
      const third = await list(admin, { page: 3, pageSize: 2 });
      expect(first.body.items).toHaveLength(2);
      expect(second.body.items).toHaveLength(1);
      expect(third.body).toEqual({ items: [], total: 3 });
      expect([first.body.total, second.body.total]).toEqual([3, 3]);
      expect([...idsOf(first), ...idsOf(second)].sort()).toEqual(
        [apps.submitted, apps.a01, apps.b10].sort(),
      );
      expect((await list(admin, { pageSize: 100 })).status).toBe(200);
    });

    it.each<[string, Record<string, string | number>, string]>([
      ['pageSize 101', { pageSize: 101 }, 'pageSize'],
      ['pageSize 0', { pageSize: 0 }, 'pageSize'],
      ['page 0', { page: 0 }, 'page'],
      ['page 1.5', { page: '1.5' }, 'page'],
      ['an unknown status', { status: 'done' }, 'status'],
      ['a regionId that is not a UUID', { regionId: 'x' }, 'regionId'],
      ['an unknown parameter', { sort: 'id' }, 'sort'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_what, query, field) => {
      const details = expectError(await list(admin, query), 400, 'VALIDATION_FAILED');
      expect(details).toContainEqual(expect.objectContaining({ field }));
    });

    // class-transformer drops these keys silently: refused like any unknown parameter.
    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses a %s parameter with 400 UNKNOWN_FIELD',
      async (key) => {
        const res = await t.http().get(`/api/applications?${key}=1`).set(bearer(admin));
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toEqual([
          expect.objectContaining({ code: 'UNKNOWN_FIELD', field: key }),
        ]);
      },
    );
  });
});
