import { PassThrough, Writable } from 'node:stream';
import { Workbook } from 'exceljs';
import {
  ExportAbortedError,
  PROGRESS_EVERY,
  streamRegisterCsv,
  streamRegisterXlsx,
} from '@app/statistics';
import { createApplicant, residentId } from './factories/applications.factory';
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
  approveThroughAllLevels,
  getApplication,
  readyDraft,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

/**
 * The register of approved households against the real PostgreSQL. One
 * household goes through the whole review (its archive number comes from the
 * engine); the others are rows written with SQL, each with the line the
 * register must show for it, worked out by hand (per-capita figures rounded
 * half up to 0.01). Every row carries names and ID numbers in its declared
 * household: none of them may reach the file.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = [
  '档案编号',
  '社区',
  '人数',
  '人均可支配收入(元)',
  '人均住房面积(m²)',
  '收入档次',
  '面积档次',
];

type Community = 'c00' | 'c01' | 'c10' | 'c11';
const COMMUNITY_NAMES: Record<Community, string> = {
  c00: '社区0-0',
  c01: '社区0-1',
  c10: '社区1-0',
  c11: '社区1-1',
};

interface Fixture {
  /** The serial of its archive number (`<county code>-2025-<serial>`), null for none. */
  serial: number | null;
  community: Community;
  persons: number;
  incomeFen: number;
  areaCenti: number;
  /** Stored tiers: hundredths, and 0.01 m² with 0 for no housing. */
  incomeTier: number;
  areaTier: number;
  status: string;
  otherCampaign?: boolean;
  /** What the register shows after the archive number and community; null: not in it. */
  line: [string, string, string, string, string] | null;
}

const fixture = (
  serial: number | null,
  community: Community,
  persons: number,
  incomeFen: number,
  areaCenti: number,
  [incomeTier, areaTier]: [number, number],
  status: string,
  line: Fixture['line'],
  otherCampaign = false,
): Fixture => ({
  serial,
  community,
  persons,
  incomeFen,
  areaCenti,
  incomeTier,
  areaTier,
  status,
  line,
  otherCampaign,
});

// Written out of archive order on purpose.
const FIXTURES: Fixture[] = [
  // 18000 yuan for 3 on 30 m²: exactly 6000.00 and 10.00 each, on both bounds.
  fixture(5, 'c00', 3, 1_800_000, 3000, [30, 1000], 'approved', [
    '3',
    '6000.00',
    '10.00',
    '0.3以下',
    '10平方米以下',
  ]),
  // 18000.01 for 3: 6000.0033 shows as 6000.00 (the tier, decided exactly, is 0.4).
  fixture(3, 'c00', 3, 1_800_001, 1500, [40, 500], 'approved', [
    '3',
    '6000.00',
    '5.00',
    '0.4以下',
    '5平方米以下',
  ]),
  fixture(10, 'c00', 2, 0, 0, [30, 0], 'approved', ['2', '0.00', '0.00', '0.3以下', '无房户']),
  // 10000 for 3 is 3333.333…; 20 m² for 3 is 6.666… (rounded up to 6.67).
  fixture(2, 'c01', 3, 1_000_000, 2000, [30, 700], 'approved', [
    '3',
    '3333.33',
    '6.67',
    '0.3以下',
    '7平方米以下',
  ]),
  // 0.03 yuan and 0.03 m² for 2: 0.015 each, half up to 0.02.
  fixture(9, 'c10', 2, 3, 3, [30, 500], 'approved', [
    '2',
    '0.02',
    '0.02',
    '0.3以下',
    '5平方米以下',
  ]),
  fixture(7, 'c11', 1, 2_000_000, 1000, [100, 1000], 'approved', [
    '1',
    '20000.00',
    '10.00',
    '1.0以下',
    '10平方米以下',
  ]),
  fixture(4, 'c11', 5, 7_000_000, 4000, [70, 800], 'approved', [
    '5',
    '14000.00',
    '8.00',
    '0.7以下',
    '8平方米以下',
  ]),
  // Approved without an archive number (the workflow always gives one): listed last.
  fixture(null, 'c11', 4, 5_000_000, 0, [70, 0], 'approved', [
    '4',
    '12500.00',
    '0.00',
    '0.7以下',
    '无房户',
  ]),
  fixture(6, 'c01', 3, 1_500_000, 900, [30, 500], 'revoked', null),
  fixture(null, 'c00', 3, 1_200_000, 2000, [30, 700], 'bureau_notice', null),
  fixture(null, 'c10', 4, 3_000_000, 2200, [40, 600], 'withdrawn', null),
  fixture(null, 'c00', 3, 7_000_000, 1200, [30, 500], 'rejected', null),
  fixture(null, 'c01', 3, 900_000, 3000, [30, 1000], 'draft', null),
  fixture(8, 'c00', 3, 900_000, 3000, [30, 1000], 'approved', null, true),
];

/** The CSV's lines after the BOM, without the empty string after the last CRLF. */
function csvLines(bytes: Buffer): string[] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text).not.toMatch(/[^\r]\n/);
  return text.slice(0, -2).split('\r\n');
}

async function loadWorkbook(bytes: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** Every row of a sheet as its cell values, from column A. */
function sheetRows(workbook: Workbook, index = 0): unknown[][] {
  const rows: unknown[][] = [];
  workbook.worksheets[index].eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

describe('GET /api/statistics/register.csv and register.xlsx', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  let region: Record<Community | 'county' | 'town0' | 'town1', string>;
  let countyCode: string;
  let otherCampaignId: string;
  let otherCountyId: string;
  /** Names and ID numbers declared in the households: none may be in a file. */
  const personal: string[] = [];
  /** The household approved through the workflow: its register line. */
  let reviewed: string[];
  let tokens: Record<'applicant' | 'otherTown', string>;

  const get = (path: string, token: string, query: Record<string, string> = {}) =>
    t
      .http()
      .get(`/api/statistics/${path}`)
      .query({ campaignId: world.campaignId, ...query })
      .set(bearer(token));

  const archiveNo = (serial: number) => `${countyCode}-2025-${String(serial).padStart(6, '0')}`;

  /** The register's lines for these communities, in archive order, the unnumbered last. */
  function expectedLines(communities: Community[]): string[][] {
    const listed = FIXTURES.filter((f) => f.line && communities.includes(f.community));
    const numbered = listed
      .filter((f) => f.serial !== null)
      .map((f) => [archiveNo(f.serial!), COMMUNITY_NAMES[f.community], ...f.line!]);
    if (communities.includes('c00')) numbered.push(reviewed);
    numbered.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const unnumbered = listed
      .filter((f) => f.serial === null)
      .map((f) => ['', COMMUNITY_NAMES[f.community], ...f.line!]);
    return [...numbered, ...unnumbered];
  }

  async function approveOneThroughTheWorkflow(): Promise<void> {
    const { id, token } = await readyDraft(t, world);
    expect((await submit(t, id, token)).status).toBe(200);
    await approveThroughAllLevels(t, world, [id]);
    const view = await getApplication(t, id, token);
    expect(view.status).toBe('approved');
    for (const m of view.members as { name: string; idNumber: string }[])
      personal.push(m.name, m.idNumber);
    const archive = view.archiveNo as string;
    expect(archive).toMatch(new RegExp(`^${countyCode}-2025-\\d{6}$`));
    // 9000 + 6000 + 0 yuan for 3 on 30 m²: 5000.00 and 10.00 each.
    reviewed = [archive, '社区0-0', '3', '5000.00', '10.00', '0.3以下', '10平方米以下'];
  }

  async function insertFixtures(): Promise<void> {
    const [{ id: applicantUserId }]: { id: string }[] = await t.db.query(
      `SELECT id FROM users WHERE role = 'applicant' LIMIT 1`,
    );
    const regions = await t.db.query<{ id: string; path: string }[]>(
      `SELECT id, path FROM regions`,
    );
    const paths = new Map(regions.map((r) => [r.id, r.path]));
    for (const [i, f] of FIXTURES.entries()) {
      const names = [`王${i}五`, `赵${i}六`];
      const ids = [
        residentId({ birthDate: '1975-05-05', sex: 'male', order: i + 1 }),
        residentId({ birthDate: '1977-07-07', sex: 'female', order: i + 1 }),
      ];
      personal.push(...names, ...ids);
      const household = {
        members: names.map((name, j) => ({ name, idNumber: ids[j] })),
        properties: [],
      };
      await t.db.query(
        `INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
           status, household, persons, household_income_fen, counted_area_centi, income_tier,
           area_tier, eligible, submitted_at, approved_at, archive_no)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, true, $12, $13, $14)`,
        [
          f.otherCampaign ? otherCampaignId : world.campaignId,
          region[f.community],
          paths.get(region[f.community]),
          applicantUserId,
          f.status,
          JSON.stringify(household),
          f.persons,
          f.incomeFen,
          f.areaCenti,
          f.incomeTier,
          f.areaTier,
          f.status === 'draft' ? null : '2025-09-02T10:00:00+08:00',
          f.status === 'approved' ? '2025-10-28T00:00:00+08:00' : null,
          f.serial === null ? null : archiveNo(f.serial),
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
    [{ code: countyCode }] = await t.db.query(`SELECT code FROM regions WHERE id = $1`, [countyId]);
    const other = await t
      .http()
      .post('/api/campaigns')
      .set(bearer(world.admin))
      .send({ name: '另一轮调查', countyId, referenceIncome: 20000 })
      .expect(201);
    otherCampaignId = (other.body as { id: string }).id;
    await approveOneThroughTheWorkflow();
    await insertFixtures();
    otherCountyId = (await createRegionTree(t, world.admin, 1, 1)).countyId;
    tokens = {
      applicant: (await createApplicant(t)).token,
      otherTown: (await createStaff(t, world.admin, 'town_reviewer', towns[1].id, '周镇')).token,
    };
  }, 120_000);
  afterAll(() => t.close());

  describe('register.csv', () => {
    it('is UTF-8 with a BOM, a header, then every approved household by archive number', async () => {
      const res = await binary(get('register.csv', world.bureau.token));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const lines = csvLines(res.body as Buffer);
      expect(lines[0]).toBe(HEADER.join(','));
      expect(lines.slice(1).map((l) => l.split(','))).toEqual(
        expectedLines(['c00', 'c01', 'c10', 'c11']),
      );
    });

    it('holds no name and no ID number of anyone', async () => {
      const res = await binary(get('register.csv', world.admin));
      const text = (res.body as Buffer).toString('utf8');
      expect(personal.length).toBeGreaterThan(20);
      for (const value of personal) expect(text).not.toContain(value);
      expect(text).not.toMatch(/\d{17}[\dX]/);
      expect(text).not.toMatch(/姓名|身份证|申请人/);
    });
  });

  describe('register.xlsx', () => {
    it('is one sheet: the header, then the same households with the figures as numbers', async () => {
      const res = await binary(get('register.xlsx', world.admin));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      const workbook = await loadWorkbook(res.body as Buffer);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['困难家庭名册']);
      const [header, ...rows] = sheetRows(workbook);
      expect(header).toEqual(HEADER);
      expect(rows).toEqual(
        expectedLines(['c00', 'c01', 'c10', 'c11']).map(([no, c, persons, inc, area, ti, ta]) => [
          // exceljs reads an empty string cell back as absent.
          ...(no === '' ? [undefined] : [no]),
          c,
          Number(persons),
          Number(inc),
          Number(area),
          ti,
          ta,
        ]),
      );
      const sheet = workbook.worksheets[0];
      expect(sheet.getCell('D2').numFmt).toBe('0.00');
      expect(sheet.getCell('E2').numFmt).toBe('0.00');
    });

    it('holds no name and no ID number of anyone', async () => {
      const res = await binary(get('register.xlsx', world.admin));
      const cells = sheetRows(await loadWorkbook(res.body as Buffer))
        .flat()
        .map(String)
        .join('\n');
      for (const value of personal) expect(cells).not.toContain(value);
      expect(cells).not.toMatch(/\d{17}[\dX]/);
    });

    it('holds a community name with XML and COPY specials exactly, less what XML cannot hold', async () => {
      const [{ name }]: { name: string }[] = await t.db.query(
        `SELECT name FROM regions WHERE id = $1`,
        [region.c11],
      );
      const hostile = `<b>&amp;"甲'\\乙\t丙\n丁\r戊\u0001\u001f]]></b>`;
      await t.db.query(`UPDATE regions SET name = $2 WHERE id = $1`, [region.c11, hostile]);
      try {
        const res = await binary(get('register.xlsx', world.admin, { regionId: region.c11 }));
        expect(res.status).toBe(200);
        const communities = sheetRows(await loadWorkbook(res.body as Buffer))
          .slice(1)
          .map((row) => row[1]);
        expect(communities).toEqual(
          expectedLines(['c11']).map(() => `<b>&amp;"甲'\\乙\t丙\n丁\r戊]]></b>`),
        );
      } finally {
        await t.db.query(`UPDATE regions SET name = $2 WHERE id = $1`, [region.c11, name]);
      }
    });

    it('goes on in a further sheet when a sheet is full', async () => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Sheets of 4: the COPY's one chunk is cut where each sheet fills up.
      expect(
        await streamRegisterXlsx(
          t.db,
          { campaignId: world.campaignId, regionPath: '/' },
          out,
          undefined,
          { householdsPerSheet: 4 },
        ),
      ).toBe(9);
      const workbook = await loadWorkbook(Buffer.concat(chunks));
      expect(workbook.worksheets.map((s) => s.name)).toEqual([
        '困难家庭名册',
        '困难家庭名册(2)',
        '困难家庭名册(3)',
      ]);
      const archiveNumbers = [0, 1, 2].flatMap((i) =>
        sheetRows(workbook, i).map((row) => row[0] ?? ''),
      );
      expect(archiveNumbers).toEqual([
        ...HEADER.slice(0, 1),
        ...expectedLines(['c00', 'c01', 'c10', 'c11'])
          .slice(0, 4)
          .map((l) => l[0]),
        HEADER[0],
        ...expectedLines(['c00', 'c01', 'c10', 'c11'])
          .slice(4, 8)
          .map((l) => l[0]),
        HEADER[0],
        '',
      ]);
    });
  });

  describe('who sees which region', () => {
    const communityColumn = (lines: string[]) => lines.slice(1).map((l) => l.split(',')[1]);
    const communitiesOf = async (token: string, query: Record<string, string> = {}) => {
      const res = await binary(get('register.csv', token, query));
      expect(res.status).toBe(200);
      return [...new Set(communityColumn(csvLines(res.body as Buffer)))].sort();
    };

    it('the administrator and the bureau get the county by default', async () => {
      for (const token of [world.admin, world.bureau.token]) {
        expect(await communitiesOf(token)).toEqual(['社区0-0', '社区0-1', '社区1-0', '社区1-1']);
      }
      expect(await communitiesOf(world.bureau.token, { regionId: region.town1 })).toEqual([
        '社区1-0',
        '社区1-1',
      ]);
    });

    it('a town reviewer gets their town, or a community in it, nothing wider or beside', async () => {
      const town = world.town.token;
      const res = await binary(get('register.csv', town));
      expect(csvLines(res.body as Buffer).slice(1)).toEqual(
        expectedLines(['c00', 'c01']).map((l) => l.join(',')),
      );
      expect(await communitiesOf(town, { regionId: region.c01 })).toEqual(['社区0-1']);
      for (const path of ['register.csv', 'register.xlsx']) {
        expectError(await get(path, town, { regionId: region.town1 }), 404, 'NOT_FOUND');
        expectError(await get(path, town, { regionId: region.c10 }), 404, 'NOT_FOUND');
        expectError(await get(path, town, { regionId: region.county }), 404, 'NOT_FOUND');
      }
      expectError(
        await get('register.csv', tokens.otherTown, { regionId: region.c00 }),
        404,
        'NOT_FOUND',
      );
    });

    it('a community reviewer gets their community only', async () => {
      const community = world.community.token;
      expect(await communitiesOf(community)).toEqual(['社区0-0']);
      expectError(await get('register.csv', community, { regionId: region.c01 }), 404, 'NOT_FOUND');
      expectError(
        await get('register.xlsx', community, { regionId: region.town0 }),
        404,
        'NOT_FOUND',
      );
    });

    it.each(['register.csv', 'register.xlsx'])('an applicant is refused %s (403)', async (path) => {
      expectError(await get(path, tokens.applicant), 403, 'FORBIDDEN');
      expectError(await get(path, tokens.applicant, { regionId: region.c00 }), 403, 'FORBIDDEN');
    });

    it("a region outside the campaign's county is absent; without a token it is a 401", async () => {
      expectError(
        await get('register.csv', world.admin, { regionId: otherCountyId }),
        404,
        'NOT_FOUND',
      );
      const res = await t
        .http()
        .get('/api/statistics/register.csv')
        .query({ campaignId: world.campaignId });
      expectError(res, 401, 'UNAUTHENTICATED');
    });

    it.each([
      ['no campaignId', { campaignId: undefined }],
      ['a regionId that is not a UUID', { regionId: '12' }],
      ['a stage (the register has none)', { stage: 'approved' }],
    ])('%s is a 400', async (_name, query) => {
      const res = await t
        .http()
        .get('/api/statistics/register.csv')
        .query({ campaignId: world.campaignId, ...query })
        .set(bearer(world.admin));
      expectError(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('a register longer than a batch', () => {
    const HOUSEHOLDS = 12_000;
    /** COPYs still running on the server, after up to 5 s for a stopped one to end. */
    async function copiesRunning(): Promise<number> {
      const copying = async () =>
        (
          await t.db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND query LIKE 'COPY (%' AND state = 'active'`,
          )
        )[0].n as number;
      for (let i = 0; i < 50 && (await copying()) > 0; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return copying();
    }
    let campaignId: string;
    /** B-000001 … B-012000, the order they must come in. */
    const expected = Array.from(
      { length: HOUSEHOLDS },
      (_, i) => `B-${String(i + 1).padStart(6, '0')}`,
    );

    beforeAll(async () => {
      const created = await t
        .http()
        .post('/api/campaigns')
        .set(bearer(world.admin))
        .send({ name: '大批量', countyId: region.county, referenceIncome: 20000 })
        .expect(201);
      campaignId = (created.body as { id: string }).id;
      const communities = [region.c00, region.c01, region.c10, region.c11];
      // Archive numbers a permutation of 1…12000 (7 is prime to 12000), so that the
      // physical order is not the archive order; 500 more rows are still in review.
      await t.db.query(
        `INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
           status, household, persons, household_income_fen, counted_area_centi, income_tier,
           area_tier, eligible, submitted_at, approved_at, archive_no)
         SELECT $1, r.id, r.path, (SELECT id FROM users WHERE role = 'applicant' LIMIT 1),
                CASE WHEN g > $2 THEN 'town_review' ELSE 'approved' END,
                '{"members": [], "properties": []}', 1 + g % 6, 100000 * (1 + g % 6), 0, 30, 0,
                true, now(), now(),
                CASE WHEN g > $2 THEN NULL
                     ELSE 'B-' || lpad((((g * 7) % $2) + 1)::text, 6, '0') END
           FROM generate_series(1, $2 + 500) AS g
           JOIN regions r ON r.id = ($3::uuid[])[1 + g % 4]`,
        [campaignId, HOUSEHOLDS, communities],
      );
      const [{ n }]: { n: number }[] = await t.db.query(
        `SELECT count(*)::int AS n FROM applications WHERE campaign_id = $1 AND status = 'approved'`,
        [campaignId],
      );
      expect(n).toBe(HOUSEHOLDS);
    });

    it('reports its progress as it goes, for either file', async () => {
      const [{ path }]: { path: string }[] = await t.db.query(
        `SELECT path FROM regions WHERE id = $1`,
        [region.county],
      );
      for (const stream of [streamRegisterCsv, streamRegisterXlsx]) {
        const heard: number[] = [];
        const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
        const rows = await stream(t.db, { campaignId, regionPath: path }, sink, (n) => {
          heard.push(n);
          return Promise.resolve();
        });
        expect(rows).toBe(HOUSEHOLDS);
        // Reported every PROGRESS_EVERY rows or so (a chunk's worth late at most), rising.
        expect(heard.length).toBe(Math.floor(HOUSEHOLDS / PROGRESS_EVERY));
        expect(heard).toEqual([...heard].sort((x, y) => x - y));
        heard.forEach((n, i) => expect(n).toBeGreaterThanOrEqual((i + 1) * PROGRESS_EVERY));
        expect(heard.every((n) => n < HOUSEHOLDS)).toBe(true);
      }
    });

    it('comes whole and in order as CSV', async () => {
      const res = await binary(get('register.csv', world.admin, { campaignId }));
      expect(res.status).toBe(200);
      const lines = csvLines(res.body as Buffer);
      expect(lines).toHaveLength(HOUSEHOLDS + 1);
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected);
      // B-000001 is row 12000: 1 + 12000 % 6 = 1 person, in the first community.
      expect(lines[1].split(',').slice(1)).toEqual([
        '社区0-0',
        '1',
        '1000.00',
        '0.00',
        '0.3以下',
        '无房户',
      ]);
    });

    it('stops its COPY when the receiver goes away, and the pool goes on', async () => {
      const [{ path }]: { path: string }[] = await t.db.query(
        `SELECT path FROM regions WHERE id = $1`,
        [region.county],
      );
      let chunks = 0;
      const leaving = new Writable({
        write(_chunk, _encoding, done) {
          chunks += 1;
          // Gone after the header and the first chunk of lines.
          if (chunks === 2) leaving.destroy();
          done();
        },
      });
      await expect(
        streamRegisterCsv(t.db, { campaignId, regionPath: path }, leaving),
      ).rejects.toBeInstanceOf(ExportAbortedError);
      expect(chunks).toBe(2);
      // More queries at once than the pool has connections: none meets a connection left mid-COPY.
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => t.db.query(`SELECT 1 AS one`)),
      );
      expect(answers.map(([row]: { one: number }[]) => row.one)).toEqual(Array(25).fill(1));
      expect(await copiesRunning()).toBe(0);
    });

    it('stops the workbook and its COPY when the receiver goes away, and the pool goes on', async () => {
      const [{ path }]: { path: string }[] = await t.db.query(
        `SELECT path FROM regions WHERE id = $1`,
        [region.county],
      );
      let bytes = 0;
      const leaving = new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > 64 * 1024) leaving.destroy();
          done();
        },
      });
      await expect(
        streamRegisterXlsx(t.db, { campaignId, regionPath: path }, leaving),
      ).rejects.toBeInstanceOf(ExportAbortedError);
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => t.db.query(`SELECT 1 AS one`)),
      );
      expect(answers.map(([row]: { one: number }[]) => row.one)).toEqual(Array(25).fill(1));
      expect(await copiesRunning()).toBe(0);
    });

    it("comes whole and in order as a workbook, and a town's share alone for its reviewer", async () => {
      const res = await binary(get('register.xlsx', world.admin, { campaignId }));
      expect(res.status).toBe(200);
      const rows = sheetRows(await loadWorkbook(res.body as Buffer));
      expect(rows).toHaveLength(HOUSEHOLDS + 1);
      expect(rows.slice(1).map((r) => r[0])).toEqual(expected);

      const town = await binary(get('register.csv', world.town.token, { campaignId }));
      const numbers = csvLines(town.body as Buffer)
        .slice(1)
        .map((l) => l.split(','));
      expect(numbers.length).toBe(HOUSEHOLDS / 2);
      expect(new Set(numbers.map((l) => l[1]))).toEqual(new Set(['社区0-0', '社区0-1']));
      const archive = numbers.map((l) => l[0]);
      expect(archive).toEqual([...archive].sort());
    });
  });
});
