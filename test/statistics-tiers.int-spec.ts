import { Workbook } from 'exceljs';
import type { Test } from 'supertest';
import { createApplicant } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  bearer,
  binary,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';
import {
  decide,
  getApplication,
  readyDraft,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

/**
 * The tier table against the real PostgreSQL. One campaign (reference income
 * 20000 yuan, the notice's tiers) and a county of two towns with two
 * communities each are made through the API; one household goes through the
 * whole review with a reviewer's correction; the others are rows written with
 * SQL, their tiers worked out here from their own figures. Every expected table
 * is computed by this file from that list, not by the code under test.
 */

const REFERENCE_INCOME = 20000;
const COEFFICIENTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
const BOUNDS = [5, 6, 7, 8, 9, 10];
const AREA_COLUMNS: ('none' | number)[] = ['none', ...BOUNDS];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Community = 'c00' | 'c01' | 'c10' | 'c11';

interface Household {
  label: string;
  community: Community;
  persons: number;
  /** Household income, yuan. */
  income: number;
  /** Counted housing area, m²; 0 is no housing. */
  area: number;
  status: string;
  otherCampaign?: boolean;
}

/** The smallest coefficient c with income ≤ c × ref × persons, compared in whole fen; null above 1.0. */
function incomeTierOf(h: Household): number | null {
  const incomeFen = Math.round(h.income * 100);
  const referenceFen = REFERENCE_INCOME * 100;
  const c = COEFFICIENTS.find(
    (k) => incomeFen * 100 <= Math.round(k * 100) * referenceFen * h.persons,
  );
  return c ?? null;
}

/** 'none' without housing, else the smallest bound b with area ≤ b × persons (0.01 m²); null above 10. */
function areaTierOf(h: Household): 'none' | number | null {
  const areaCenti = Math.round(h.area * 100);
  if (areaCenti === 0) return 'none';
  return BOUNDS.find((b) => areaCenti <= b * 100 * h.persons) ?? null;
}

/** [community, persons, household income (yuan), counted area (m²), status, what it shows]. */
type Row = [Community, number, number, number, string, string];
const ROWS: Row[] = [
  // 18000 for 3 is exactly 0.3 × 20000 × 3; 30.00 m² for 3 is exactly 10 m² each.
  ['c00', 3, 18000, 30, 'approved', 'on both upper bounds'],
  // One fen above the 0.3 bound; 15.00 m² for 3 is exactly 5 m² each.
  ['c00', 3, 18000.01, 15, 'approved', 'a fen above 0.3, on 5 m²'],
  ['c00', 2, 0, 0, 'approved', 'no income, no housing'],
  ['c01', 4, 40000, 24.01, 'approved', 'just above 6 m²'],
  ['c01', 1, 20000, 10, 'approved', 'one person on 1.0 and 10 m²'],
  ['c10', 5, 70000, 40, 'approved', 'five persons'],
  ['c10', 3, 30000, 0, 'approved', 'no housing in town 1'],
  ['c11', 2, 36000, 17.99, 'approved', 'just under 9 m²'],
  ['c00', 3, 12000, 20, 'community_review', 'in review'],
  ['c00', 3, 70000, 12, 'rejected', 'income above the reference'],
  ['c10', 2, 10000, 21, 'rejected', 'area above the limit'],
  ['c11', 4, 30000, 22, 'withdrawn', 'withdrawn'],
  ['c01', 3, 15000, 9, 'revoked', 'revoked'],
  ['c10', 3, 24000, 27, 'returned', 'returned'],
  ['c11', 3, 60000, 30.01, 'town_review', 'a hundredth of a m² above the limit'],
  ['c00', 3, 9000, 30, 'draft', 'a draft: never counted'],
];

const HOUSEHOLDS: Household[] = [
  ...ROWS.map(([community, persons, income, area, status, label]) => ({
    label,
    community,
    persons,
    income,
    area,
    status,
  })),
  {
    label: 'of another campaign: never counted',
    community: 'c00',
    persons: 3,
    income: 9000,
    area: 30,
    status: 'approved',
    otherCampaign: true,
  },
];

/**
 * The household driven through the real review: declared 9000 + 6000 + 0 on
 * 30 m² (0.3, 10 m²), corrected at the community's approval to 21000 + 6000 + 0
 * on 18 m²: 9000 a head is 0.45 of the reference (tier 0.5), 6 m² a head (tier 6).
 */
const CORRECTED: Household = {
  label: 'corrected at approval',
  community: 'c00',
  persons: 3,
  income: 27000,
  area: 18,
  status: 'approved',
};

const ALL = [...HOUSEHOLDS, CORRECTED];

interface Count {
  households: number;
  persons: number;
}
type Stage = 'approved' | 'submitted';

function counted(h: Household, stage: Stage, communities: Community[]): boolean {
  if (h.otherCampaign || !communities.includes(h.community)) return false;
  return stage === 'approved' ? h.status === 'approved' : h.status !== 'draft';
}

/** The table as the contract shows it, worked out from the list above. */
function expectedTable(stage: Stage, communities: Community[]) {
  const zero = (): Count => ({ households: 0, persons: 0 });
  const cells = COEFFICIENTS.map(() => AREA_COLUMNS.map(zero));
  const rowTotals = COEFFICIENTS.map(zero);
  const columnTotals = AREA_COLUMNS.map(zero);
  const total = zero();
  const outsideTiers = zero();
  for (const h of ALL.filter((x) => counted(x, stage, communities))) {
    const income = incomeTierOf(h);
    const area = areaTierOf(h);
    const targets =
      income === null || area === null
        ? [outsideTiers]
        : [
            cells[COEFFICIENTS.indexOf(income)][AREA_COLUMNS.indexOf(area)],
            rowTotals[COEFFICIENTS.indexOf(income)],
            columnTotals[AREA_COLUMNS.indexOf(area)],
            total,
          ];
    for (const c of targets) {
      c.households += 1;
      c.persons += h.persons;
    }
  }
  return {
    incomeTiers: COEFFICIENTS,
    areaTiers: AREA_COLUMNS,
    cells,
    rowTotals,
    columnTotals,
    total,
    outsideTiers,
  };
}

const EVERY_COMMUNITY: Community[] = ['c00', 'c01', 'c10', 'c11'];
const TOWN_0: Community[] = ['c00', 'c01'];
const TOWN_1: Community[] = ['c10', 'c11'];

/** A CSV line split into cells (the table's lines hold no quoted fields). */
function csvRow(text: string, label: string): string[] {
  const line = text.split('\r\n').find((l) => l.startsWith(`${label},`));
  if (!line) throw new Error(`no CSV line for ${label}`);
  return line.split(',');
}

/** A table row as the CSV and the sheet lay it: households and persons of each column, then the total. */
function flatRow(cells: Count[], totalOfRow: Count): number[] {
  return [...cells, totalOfRow].flatMap((c) => [c.households, c.persons]);
}

describe('GET /api/statistics/tiers', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  let region: Record<Community | 'county' | 'town0' | 'town1', string>;
  let correctedId: string;
  let tokens: Record<'countyAdmin' | 'otherTown' | 'applicant' | 'otherCountyAdmin', string>;
  let otherCountyId: string;

  const get = (path: string, token: string, query: Record<string, string> = {}) =>
    t
      .http()
      .get(`/api/statistics/${path}`)
      .query({ campaignId: world.campaignId, ...query })
      .set(bearer(token));

  async function driveCorrectedHousehold(): Promise<string> {
    const { id, token } = await readyDraft(t, world, { income: 9000, area: 30 });
    expect((await submit(t, id, token)).status).toBe(200);
    const draft = await getApplication(t, id, token);
    expect(draft).toMatchObject({ incomeTier: 0.3, areaTier: 10 });
    const husband = (draft.members as { idNumber: string }[])[0].idNumber;
    const propertyId = (draft.properties as { id: string }[])[0].id;
    const corrections = {
      members: [{ idNumber: husband, annualIncome: 21000 }],
      properties: [{ id: propertyId, area: 18 }],
    };
    for (const [i, reviewer] of [world.community, world.town, world.bureau].entries()) {
      const res = await decide(t, reviewer, id, 'approve', i === 0 ? { corrections } : {});
      expect(res.status).toBe(200);
      await setClock(t, world.admin, (res.body as { noticeEndsAt: string }).noticeEndsAt);
    }
    expect(await getApplication(t, id, token)).toMatchObject({
      status: 'approved',
      incomeTier: 0.5,
      areaTier: 6,
    });
    return id;
  }

  async function insertHouseholds(): Promise<void> {
    const other = await t
      .http()
      .post('/api/campaigns')
      .set(bearer(world.admin))
      .send({
        name: '另一轮调查',
        countyId: world.tree.countyId,
        referenceIncome: REFERENCE_INCOME,
      })
      .expect(201);
    const [{ id: applicantUserId }]: { id: string }[] = await t.db.query(
      `SELECT id FROM users WHERE role = 'applicant' LIMIT 1`,
    );
    const regionRows: { id: string; path: string }[] = await t.db.query(
      `SELECT id, path FROM regions`,
    );
    const paths = new Map(regionRows.map((r) => [r.id, r.path]));
    for (const h of HOUSEHOLDS) {
      const income = incomeTierOf(h);
      const area = areaTierOf(h);
      const submitted = h.status !== 'draft';
      await t.db.query(
        `INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
           status, household, persons, household_income_fen, counted_area_centi, income_tier,
           area_tier, eligible, submitted_at, approved_at)
         VALUES ($1, $2, $3, $4, $5, '{"members": [], "properties": []}', $6, $7, $8, $9, $10,
           $11, $12, $13)`,
        [
          h.otherCampaign ? (other.body as { id: string }).id : world.campaignId,
          region[h.community],
          paths.get(region[h.community]),
          applicantUserId,
          h.status,
          h.persons,
          Math.round(h.income * 100),
          Math.round(h.area * 100),
          income === null ? null : Math.round(income * 100),
          area === null ? null : area === 'none' ? 0 : area * 100,
          income !== null && area !== null,
          submitted ? '2025-09-02T10:00:00+08:00' : null,
          h.status === 'approved' ? '2025-10-28T00:00:00+08:00' : null,
        ],
      );
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
    world = await workflowWorld(t);
    const { towns, countyId } = world.tree;
    region = {
      county: countyId,
      town0: towns[0].id,
      town1: towns[1].id,
      c00: towns[0].communities[0],
      c01: towns[0].communities[1],
      c10: towns[1].communities[0],
      c11: towns[1].communities[1],
    };
    correctedId = await driveCorrectedHousehold();
    await insertHouseholds();
    otherCountyId = (await createRegionTree(t, world.admin, 1, 1)).countyId;
    tokens = {
      countyAdmin: (await createStaff(t, world.admin, 'admin', countyId, '县管理员')).token,
      otherCountyAdmin: (await createStaff(t, world.admin, 'admin', otherCountyId, '外县')).token,
      otherTown: (await createStaff(t, world.admin, 'town_reviewer', towns[1].id, '周镇')).token,
      applicant: (await createApplicant(t)).token,
    };
  }, 120_000);
  afterAll(() => t.close());

  describe('the table', () => {
    it("is the county's approved households by default, for the administrator", async () => {
      const res = await get('tiers', world.admin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        campaignId: world.campaignId,
        region: { id: region.county, name: '进贤县', level: 'county' },
        stage: 'approved',
        ...expectedTable('approved', EVERY_COMMUNITY),
      });
    });

    it('puts households exactly on a bound in the tier of that bound (以下 includes it)', async () => {
      const { cells } = (await get('tiers', world.admin).expect(200)).body as {
        cells: Count[][];
      };
      // 18000 for 3 persons on 30.00 m²: row 0.3, column 10.
      expect(cells[0][6]).toEqual({ households: 1, persons: 3 });
      // 18000.01 for 3 on 15.00 m²: row 0.4, column 5.
      expect(cells[1][1]).toEqual({ households: 1, persons: 3 });
      // 20000 for 1 on 10 m²: row 1.0, column 10.
      expect(cells[7][6]).toEqual({ households: 1, persons: 1 });
      // No income, no housing: row 0.3, column 'none'.
      expect(cells[0][0]).toEqual({ households: 1, persons: 2 });
    });

    it("counts the corrected household at the reviewer's figures, not the declared ones", async () => {
      const { cells } = (await get('tiers', world.admin).expect(200)).body as {
        cells: Count[][];
      };
      expect(cells[2][2]).toEqual({ households: 1, persons: 3 });
      const [row]: { income_tier: number; area_tier: number }[] = await t.db.query(
        `SELECT income_tier, area_tier FROM applications WHERE id = $1`,
        [correctedId],
      );
      expect(row).toEqual({ income_tier: 50, area_tier: 600 });
    });

    it('at the submitted stage counts every submitted application, ineligible ones apart', async () => {
      const res = await get('tiers', world.admin, { stage: 'submitted' });
      expect(res.status).toBe(200);
      const expected = expectedTable('submitted', EVERY_COMMUNITY);
      expect(res.body).toEqual({
        campaignId: world.campaignId,
        region: { id: region.county, name: '进贤县', level: 'county' },
        stage: 'submitted',
        ...expected,
      });
      // Income above the reference (3), area above the limit (2), 30.01 m² for 3 (3).
      expect(expected.outsideTiers).toEqual({ households: 3, persons: 8 });
      const submitted = ALL.filter((h) => !h.otherCampaign && h.status !== 'draft');
      expect(expected.total.households + expected.outsideTiers.households).toBe(submitted.length);
    });

    it.each([
      ['town 0', 'town0', TOWN_0],
      ['town 1', 'town1', TOWN_1],
      ['community 0-1', 'c01', ['c01']],
      ['community 1-1', 'c11', ['c11']],
    ] as const)('is the table of %s alone, at both stages', async (_name, key, communities) => {
      for (const stage of ['approved', 'submitted'] as const) {
        const res = await get('tiers', world.bureau.token, { regionId: region[key], stage });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject(expectedTable(stage, [...communities]));
      }
    });
  });

  describe('who sees which region', () => {
    it.each([
      ['the administrator', () => world.admin],
      ['an administrator of the county', () => tokens.countyAdmin],
      ['the bureau', () => world.bureau.token],
    ])('%s sees the county and every town and community in it', async (_who, token) => {
      for (const key of ['county', 'town0', 'town1', 'c00', 'c11'] as const) {
        expect((await get('tiers', token(), { regionId: region[key] })).status).toBe(200);
      }
      expect((await get('tiers', token())).body.region.id).toBe(region.county);
    });

    it('a town reviewer sees their town and its communities, nothing wider or beside', async () => {
      const town = world.town.token;
      const own = await get('tiers', town);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        region: { id: region.town0, level: 'town' },
        ...expectedTable('approved', TOWN_0),
      });
      expect((await get('tiers', town, { regionId: region.town0 })).status).toBe(200);
      expect((await get('tiers', town, { regionId: region.c01 })).status).toBe(200);
      expectError(await get('tiers', town, { regionId: region.town1 }), 404, 'NOT_FOUND');
      expectError(await get('tiers', town, { regionId: region.c10 }), 404, 'NOT_FOUND');
      expectError(await get('tiers', town, { regionId: region.county }), 404, 'NOT_FOUND');
      expectError(
        await get('tiers', tokens.otherTown, { regionId: region.town0 }),
        404,
        'NOT_FOUND',
      );
    });

    it('a community reviewer sees their community only', async () => {
      const own = await get('tiers', world.community.token);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        region: { id: region.c00, level: 'community' },
        ...expectedTable('approved', ['c00']),
      });
      const community = world.community.token;
      expect((await get('tiers', community, { regionId: region.c00 })).status).toBe(200);
      expectError(await get('tiers', community, { regionId: region.c01 }), 404, 'NOT_FOUND');
      expectError(await get('tiers', community, { regionId: region.town0 }), 404, 'NOT_FOUND');
      expectError(await get('tiers', community, { regionId: region.county }), 404, 'NOT_FOUND');
    });

    it.each(['tiers', 'tiers.csv', 'tiers.xlsx'])(
      'an applicant is refused %s (403)',
      async (path) => {
        expectError(await get(path, tokens.applicant), 403, 'FORBIDDEN');
        expectError(await get(path, tokens.applicant, { regionId: region.c00 }), 403, 'FORBIDDEN');
      },
    );

    it('without a token it is a 401', async () => {
      const res = await t
        .http()
        .get('/api/statistics/tiers')
        .query({ campaignId: world.campaignId });
      expectError(res, 401, 'UNAUTHENTICATED');
    });

    it("a region outside the campaign's county is absent, even to whoever may see it", async () => {
      expectError(await get('tiers', world.admin, { regionId: otherCountyId }), 404, 'NOT_FOUND');
      // Bound to another county, its default region is not in this campaign.
      expectError(await get('tiers', tokens.otherCountyAdmin), 404, 'NOT_FOUND');
    });
  });

  describe('the query', () => {
    it.each([
      ['no campaignId', { campaignId: undefined }],
      ['a campaignId that is not a UUID', { campaignId: 'x' }],
      ['a regionId that is not a UUID', { regionId: '12' }],
      ['an unknown stage', { stage: 'archived' }],
      ['an unknown field', { page: '1' }],
    ])('%s is a 400', async (_name, query) => {
      const res = await t
        .http()
        .get('/api/statistics/tiers')
        .query({ campaignId: world.campaignId, ...query })
        .set(bearer(world.admin));
      expectError(res, 400, 'VALIDATION_FAILED');
    });

    it('an unknown campaign or region is a 404', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      expectError(await get('tiers', world.admin, { campaignId: missing }), 404, 'NOT_FOUND');
      expectError(await get('tiers', world.admin, { regionId: missing }), 404, 'NOT_FOUND');
    });
  });

  describe('tiers.csv', () => {
    it('is UTF-8 with a BOM, the notice’s labels, the campaign and the same numbers', async () => {
      const res = await binary(get('tiers.csv', world.bureau.token, { stage: 'submitted' }));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);

      for (const label of [
        '2025年摸底调查',
        '进贤县（县）',
        '已提交申请（含其后各状态）',
        '城镇居民人均可支配收入（元）,20000',
        '人均住房建筑面积标准（平方米）,10',
        '无房户',
        '5平方米以下',
        '10平方米以下',
        '户数',
        '人数',
      ]) {
        expect(text).toContain(label);
      }
      expect(csvRow(text, '导出时间')[1]).toMatch(
        /^2025-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00$/,
      );

      const expected = expectedTable('submitted', EVERY_COMMUNITY);
      const labels = [
        '0.3以下',
        '0.4以下',
        '0.5以下',
        '0.6以下',
        '0.7以下',
        '0.8以下',
        '0.9以下',
        '1.0以下',
      ];
      labels.forEach((label, i) => {
        expect(csvRow(text, label)).toEqual([
          label,
          ...flatRow(expected.cells[i], expected.rowTotals[i]).map(String),
        ]);
      });
      expect(csvRow(text, '合计').slice(1).map(Number)).toEqual(
        flatRow(expected.columnTotals, expected.total),
      );
      expect(csvRow(text, '未进入分档（收入或住房面积超出标准）').slice(-2).map(Number)).toEqual([
        expected.outsideTiers.households,
        expected.outsideTiers.persons,
      ]);
    });

    it('follows the same scope rules', async () => {
      const town = world.town.token;
      expect((await binary(get('tiers.csv', town))).status).toBe(200);
      expectError(await get('tiers.csv', town, { regionId: region.county }), 404, 'NOT_FOUND');
    });
  });

  describe('tiers.xlsx', () => {
    async function workbookOf(req: Test): Promise<Workbook> {
      const res = await binary(req);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const workbook = new Workbook();
      await workbook.xlsx.load(res.body as ArrayBuffer);
      return workbook;
    }

    /** The sheet's row whose first cell is `label`, as numbers after it. */
    function sheetRow(workbook: Workbook, sheet: string, label: string): unknown[] {
      const ws = workbook.getWorksheet(sheet);
      if (!ws) throw new Error(`no sheet ${sheet}`);
      for (let r = 1; r <= ws.rowCount; r++) {
        if (ws.getCell(r, 1).value === label) {
          return Array.from({ length: 16 }, (_, j) => ws.getCell(r, j + 2).value);
        }
      }
      throw new Error(`no row ${label} in ${sheet}`);
    }

    it('has a sheet for the county and one per town, each with its own table', async () => {
      const workbook = await workbookOf(get('tiers.xlsx', world.admin));
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['进贤县', '镇0', '镇1']);
      const county = workbook.getWorksheet('进贤县')!;
      expect(county.getCell('A1').value).toBe('2025年摸底调查');
      expect(county.getCell('B3').value).toBe('进贤县（县）');
      expect(county.getCell('B5').value).toBe(20000);
      expect(county.getCell('B6').value).toBe(10);

      for (const [sheet, communities] of [
        ['进贤县', EVERY_COMMUNITY],
        ['镇0', TOWN_0],
        ['镇1', TOWN_1],
      ] as const) {
        const expected = expectedTable('approved', [...communities]);
        expect(sheetRow(workbook, sheet, '0.3以下')).toEqual(
          flatRow(expected.cells[0], expected.rowTotals[0]),
        );
        expect(sheetRow(workbook, sheet, '0.5以下')).toEqual(
          flatRow(expected.cells[2], expected.rowTotals[2]),
        );
        expect(sheetRow(workbook, sheet, '合计')).toEqual(
          flatRow(expected.columnTotals, expected.total),
        );
      }
      expect(workbook.getWorksheet('镇1')!.getCell('B3').value).toBe('镇1（镇（街道））');
    });

    it('for a town reviewer is their town, then each of its communities', async () => {
      const workbook = await workbookOf(
        get('tiers.xlsx', world.town.token, { stage: 'submitted' }),
      );
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['镇0', '社区0-0', '社区0-1']);
      const expected = expectedTable('submitted', ['c01']);
      expect(sheetRow(workbook, '社区0-1', '合计')).toEqual(
        flatRow(expected.columnTotals, expected.total),
      );
    });

    it('refuses a region outside the caller’s with a 404 in the error shape', async () => {
      expectError(
        await get('tiers.xlsx', world.community.token, { regionId: region.town0 }),
        404,
        'NOT_FOUND',
      );
    });
  });
});
