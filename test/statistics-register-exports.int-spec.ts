import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { Workbook } from 'exceljs';
import { exportFilePath, RegisterExportView, RegisterExportWorker } from '@app/statistics';
import { createApplicant, residentId } from './factories/applications.factory';
import { createStaff } from './factories/users.factory';
import { TEST_ENV } from './support/test-env';
import {
  bearer,
  binary,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';
import { workflowWorld, WorkflowWorld } from './support/workflow-fixture';

/**
 * Register exports as queued jobs, against the real PostgreSQL, Redis and
 * worker: requested, followed to the end, downloaded, and taken up again after
 * a lost job or a worker killed mid-file. The households are rows written with
 * SQL; the lines the file must hold are worked out here from that list.
 */

const HOUSEHOLDS = 30;
const COMMUNITIES = ['社区0-0', '社区0-1', '社区1-0', '社区1-1'];

interface Household {
  serial: number;
  community: number;
  persons: number;
  incomeFen: number;
  areaCenti: number;
}

const households: Household[] = Array.from({ length: HOUSEHOLDS }, (_, i) => ({
  serial: HOUSEHOLDS - i,
  community: i % 4,
  persons: (i % 5) + 1,
  incomeFen: 100_001 * (i + 1),
  areaCenti: 333 * i,
}));

/** Half up to the unit, for non-negative integers: what the register shows per person. */
const perPerson = (total: number, persons: number) =>
  Math.floor((2 * total + persons) / (2 * persons));
const twoDecimals = (hundredths: number) =>
  `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;

describe('Register exports as queued jobs', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  let countyCode: string;
  const personal: string[] = [];

  const archiveNo = (serial: number) => `${countyCode}-2025-${String(serial).padStart(6, '0')}`;

  /** The CSV's data lines for households of these communities, by archive number. */
  function expectedLines(communities: number[]): string[] {
    return households
      .filter((h) => communities.includes(h.community))
      .sort((a, b) => a.serial - b.serial)
      .map((h) =>
        [
          archiveNo(h.serial),
          COMMUNITIES[h.community],
          String(h.persons),
          twoDecimals(perPerson(h.incomeFen, h.persons)),
          twoDecimals(perPerson(h.areaCenti, h.persons)),
          '0.3以下',
          '5平方米以下',
        ].join(','),
      );
  }

  async function insertHouseholds(): Promise<void> {
    const [{ id: applicant }]: { id: string }[] = await t.db.query(
      `SELECT id FROM users WHERE role = 'applicant' LIMIT 1`,
    );
    const { towns } = world.tree;
    const communityIds = towns.flatMap((town) => town.communities);
    for (const [i, h] of households.entries()) {
      const name = `孙${i}七`;
      const idNumber = residentId({ birthDate: '1970-03-03', sex: 'male', order: i + 1 });
      personal.push(name, idNumber);
      const [{ path }]: { path: string }[] = await t.db.query(
        `SELECT path FROM regions WHERE id = $1`,
        [communityIds[h.community]],
      );
      await t.db.query(
        `INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
           status, household, persons, household_income_fen, counted_area_centi, income_tier,
           area_tier, eligible, submitted_at, approved_at, archive_no)
         VALUES ($1, $2, $3, $4, 'approved', $5, $6, $7, $8, 30, 500, true,
           '2025-09-02T10:00:00+08:00', '2025-10-28T00:00:00+08:00', $9)`,
        [
          world.campaignId,
          communityIds[h.community],
          path,
          applicant,
          JSON.stringify({ members: [{ name, idNumber }], properties: [] }),
          h.persons,
          h.incomeFen,
          h.areaCenti,
          archiveNo(h.serial),
        ],
      );
    }
  }

  const request = (token: string, body: Record<string, unknown>) =>
    t.http().post('/api/statistics/register-exports').set(bearer(token)).send(body);

  const view = async (token: string, id: string): Promise<RegisterExportView> => {
    const res = await t.http().get(`/api/statistics/register-exports/${id}`).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body as RegisterExportView;
  };

  /** Polls until the export is done or failed; every answer on the way must make sense. */
  async function untilFinished(token: string, id: string): Promise<RegisterExportView> {
    for (let i = 0; i < 300; i += 1) {
      const v = await view(token, id);
      expect(v.progress).toBeGreaterThanOrEqual(0);
      expect(v.progress).toBeLessThanOrEqual(1);
      if (v.status !== 'done') expect(v.progress).toBeLessThan(1);
      if (v.status === 'done' || v.status === 'failed') return v;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`export ${id} did not finish`);
  }

  const fileRequest = (token: string, id: string) =>
    t.http().get(`/api/statistics/register-exports/${id}/file`).set(bearer(token));
  /** The file as bytes. */
  const download = (token: string, id: string) => binary(fileRequest(token, id));

  function csvData(bytes: Buffer): string[] {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toMatch(/^档案编号,社区,人数/);
    return lines.slice(1);
  }

  beforeAll(async () => {
    // A reviewer is moved to another region in the database: read accounts on every request.
    t = await createTestApp({ REGISTER_DIRECT_LIMIT: '10', ACCOUNT_CACHE_SECONDS: '0' });
    await resetDatabase(t);
    world = await workflowWorld(t);
    [{ code: countyCode }] = await t.db.query(`SELECT code FROM regions WHERE id = $1`, [
      world.tree.countyId,
    ]);
    await createApplicant(t);
    await insertHouseholds();
  }, 120_000);
  afterAll(() => t.close());

  it('is accepted (202, Location), followed to done, and its CSV holds every household', async () => {
    const res = await request(world.bureau.token, { campaignId: world.campaignId, format: 'csv' });
    expect(res.status).toBe(202);
    const accepted = res.body as RegisterExportView;
    expect(res.headers.location).toBe(`/api/statistics/register-exports/${accepted.id}`);
    expect(accepted).toMatchObject({ status: 'queued', format: 'csv', downloadUrl: null });
    expect(accepted.fileName).toMatch(/困难家庭名册\.csv$/);

    const done = await untilFinished(world.bureau.token, accepted.id);
    expect(done).toMatchObject({
      status: 'done',
      progress: 1,
      rowsWritten: HOUSEHOLDS,
      rowsTotal: HOUSEHOLDS,
      regionId: world.tree.countyId,
      downloadUrl: `/api/statistics/register-exports/${accepted.id}/file`,
    });

    const file = await download(world.bureau.token, accepted.id);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Number(file.headers['content-length'])).toBe(done.sizeBytes);
    expect(csvData(file.body as Buffer)).toEqual(expectedLines([0, 1, 2, 3]));
  });

  it('writes XLSX too, with the same households as numbers', async () => {
    const res = await request(world.admin, { campaignId: world.campaignId, format: 'xlsx' });
    expect(res.status).toBe(202);
    const id = (res.body as RegisterExportView).id;
    expect((await untilFinished(world.admin, id)).status).toBe('done');
    const file = await download(world.admin, id);
    expect(file.status).toBe(200);
    const workbook = new Workbook();
    await workbook.xlsx.load(file.body);
    const rows: unknown[][] = [];
    workbook.worksheets[0].eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toHaveLength(HOUSEHOLDS + 1);
    const expected = expectedLines([0, 1, 2, 3]).map((line) => line.split(','));
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], Number(r[3]).toFixed(2)])).toEqual(
      expected.map((l) => [l[0], l[1], Number(l[2]), l[3]]),
    );
  });

  it('holds no name and no ID number of anyone', async () => {
    const res = await request(world.admin, { campaignId: world.campaignId, format: 'csv' });
    const id = (res.body as RegisterExportView).id;
    await untilFinished(world.admin, id);
    const text = ((await download(world.admin, id)).body as Buffer).toString('utf8');
    expect(personal).toHaveLength(2 * HOUSEHOLDS);
    for (const value of personal) expect(text).not.toContain(value);
  });

  it('covers the requester’s own region only: a town sees its communities', async () => {
    const res = await request(world.town.token, { campaignId: world.campaignId, format: 'csv' });
    expect(res.status).toBe(202);
    const accepted = res.body as RegisterExportView;
    expect(accepted.regionId).toBe(world.tree.towns[0].id);
    const done = await untilFinished(world.town.token, accepted.id);
    expect(done.rowsWritten).toBe(expectedLines([0, 1]).length);
    const file = await download(world.town.token, accepted.id);
    expect(csvData(file.body as Buffer)).toEqual(expectedLines([0, 1]));
  });

  it('queues a direct download above REGISTER_DIRECT_LIMIT and answers the export instead', async () => {
    const res = await t
      .http()
      .get('/api/statistics/register.csv')
      .query({ campaignId: world.campaignId })
      .set(bearer(world.bureau.token));
    expect(res.status).toBe(202);
    const accepted = res.body as RegisterExportView;
    expect(res.headers.location).toBe(`/api/statistics/register-exports/${accepted.id}`);
    expect(accepted.format).toBe('csv');
    expect((await untilFinished(world.bureau.token, accepted.id)).rowsWritten).toBe(HOUSEHOLDS);
  });

  it('still streams a register at or under the limit directly', async () => {
    // The first community holds 8 households (≤ 10).
    const res = await binary(
      t
        .http()
        .get('/api/statistics/register.csv')
        .query({ campaignId: world.campaignId, regionId: world.tree.towns[0].communities[0] })
        .set(bearer(world.admin)),
    );
    expect(res.status).toBe(200);
    expect(csvData(res.body as Buffer)).toEqual(expectedLines([0]));
  });

  describe('access', () => {
    let exportId: string;
    beforeAll(async () => {
      const res = await request(world.town.token, { campaignId: world.campaignId, format: 'csv' });
      exportId = (res.body as RegisterExportView).id;
      await untilFinished(world.town.token, exportId);
    });

    it('lists the caller’s own exports only, newest first', async () => {
      const mine = await t
        .http()
        .get('/api/statistics/register-exports')
        .set(bearer(world.town.token));
      expect(mine.status).toBe(200);
      const ids = (mine.body as RegisterExportView[]).map((v) => v.id);
      expect(ids[0]).toBe(exportId);
      const theirs = await t
        .http()
        .get('/api/statistics/register-exports')
        .set(bearer(world.community.token));
      expect((theirs.body as RegisterExportView[]).map((v) => v.id)).not.toContain(exportId);
    });

    it('is absent (404) for anyone but its requester, even the bureau', async () => {
      for (const token of [world.bureau.token, world.admin, world.community.token]) {
        expectError(
          await t.http().get(`/api/statistics/register-exports/${exportId}`).set(bearer(token)),
          404,
          'NOT_FOUND',
        );
        expectError(await fileRequest(token, exportId), 404, 'NOT_FOUND');
      }
    });

    it('is refused to applicants (403) and to anonymous callers (401)', async () => {
      const applicant = await createApplicant(t);
      expectError(
        await request(applicant.token, { campaignId: world.campaignId, format: 'csv' }),
        403,
        'FORBIDDEN',
      );
      expectError(
        await t.http().get(`/api/statistics/register-exports/${exportId}`),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('refuses a region outside the requester’s own (404), and records nothing', async () => {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM register_exports`);
      expectError(
        await request(world.town.token, {
          campaignId: world.campaignId,
          regionId: world.tree.towns[1].id,
          format: 'csv',
        }),
        404,
        'NOT_FOUND',
      );
      expect(await t.db.query(`SELECT count(*)::int AS n FROM register_exports`)).toEqual(before);
    });

    it('is no longer reachable by a reviewer moved out of its region', async () => {
      const mover = await createStaff(
        t,
        world.admin,
        'town_reviewer',
        world.tree.towns[0].id,
        '吴镇',
      );
      const res = await request(mover.token, { campaignId: world.campaignId, format: 'csv' });
      const id = (res.body as RegisterExportView).id;
      await untilFinished(mover.token, id);
      await t.db.query(`UPDATE users SET region_id = $1 WHERE username = $2`, [
        world.tree.towns[1].id,
        mover.username,
      ]);
      expectError(await fileRequest(mover.token, id), 404, 'NOT_FOUND');
    });

    it('refuses bad bodies with 400 and records nothing', async () => {
      const before = await t.db.query(`SELECT count(*)::int AS n FROM register_exports`);
      for (const body of [
        { campaignId: world.campaignId, format: 'pdf' },
        { campaignId: world.campaignId },
        { campaignId: 'not-a-uuid', format: 'csv' },
        { campaignId: world.campaignId, format: 'csv', path: '../../etc/passwd' },
      ]) {
        const res = await request(world.admin, body);
        expect(res.status).toBe(400);
        expect((res.body as { code: string }).code).toMatch(/^[A-Z_]+$/);
      }
      expectError(
        await t.http().get('/api/statistics/register-exports/not-a-uuid').set(bearer(world.admin)),
        400,
        'VALIDATION_FAILED',
      );
      expect(await t.db.query(`SELECT count(*)::int AS n FROM register_exports`)).toEqual(before);
    });
  });

  describe('the row is the truth', () => {
    const worker = () => t.app.get(RegisterExportWorker);

    async function insertExport(status: string, extra = ''): Promise<string> {
      const [{ id: userId }]: { id: string }[] = await t.db.query(
        `SELECT id FROM users WHERE username = 'root'`,
      );
      const [{ id }]: { id: string }[] = await t.db.query(
        `INSERT INTO register_exports (requested_by, campaign_id, region_id, format, file_name,
           status, requested_at ${extra ? ', rows_written' : ''})
         VALUES ($1, $2, $3, 'csv', 'x.csv', $4, now() ${extra ? ', 3' : ''}) RETURNING id`,
        [userId, world.campaignId, world.tree.countyId, status],
      );
      return id;
    }

    it('an export whose job was lost (Redis wiped) is taken up by the reconciler', async () => {
      const id = await insertExport('queued');
      expectError(await fileRequest(world.admin, id), 409, 'EXPORT_NOT_READY');
      await worker().reconcile();
      const done = await untilFinished(world.admin, id);
      expect(done).toMatchObject({ status: 'done', rowsWritten: HOUSEHOLDS });
    });

    it('an export left running by a killed worker starts again and leaves no .part behind', async () => {
      const id = await insertExport('running', 'partial');
      const path = exportFilePath(TEST_ENV.UPLOAD_DIR, id, 'csv');
      await mkdir(`${TEST_ENV.UPLOAD_DIR}/exports`, { recursive: true });
      await writeFile(`${path}.part`, 'half a file');
      await worker().reconcile();
      const done = await untilFinished(world.admin, id);
      expect(done).toMatchObject({ status: 'done', rowsWritten: HOUSEHOLDS });
      expect(existsSync(`${path}.part`)).toBe(false);
      const file = await download(world.admin, id);
      expect(csvData(file.body as Buffer)).toEqual(expectedLines([0, 1, 2, 3]));
    });

    it('a repeat of a register still queued or running answers that export, and writes no second one', async () => {
      const id = await insertExport('queued');
      const count = async () =>
        (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM register_exports`))[0].n;
      const before = await count();
      // The bootstrap administrator (insertExport's requester) asks for the same county register
      // again: by the large-register GET, and by POST.
      const repeated = await t
        .http()
        .get('/api/statistics/register.csv')
        .query({ campaignId: world.campaignId })
        .set(bearer(world.admin));
      expect(repeated.status).toBe(202);
      expect(repeated.headers.location).toBe(`/api/statistics/register-exports/${id}`);
      const posted = await request(world.admin, { campaignId: world.campaignId, format: 'csv' });
      expect(posted.status).toBe(202);
      expect((posted.body as RegisterExportView).id).toBe(id);
      expect(await count()).toBe(before);

      // Another format is another file; once the first is done, a repeat is a new export.
      const xlsx = await request(world.admin, { campaignId: world.campaignId, format: 'xlsx' });
      expect((xlsx.body as RegisterExportView).id).not.toBe(id);
      await worker().reconcile();
      await untilFinished(world.admin, id);
      await untilFinished(world.admin, (xlsx.body as RegisterExportView).id);
      const fresh = await request(world.admin, { campaignId: world.campaignId, format: 'csv' });
      expect((fresh.body as RegisterExportView).id).not.toBe(id);
      await untilFinished(world.admin, (fresh.body as RegisterExportView).id);
      expect(await count()).toBe(before + 2);
    });

    it('does not answer with an unfinished export asked for long before (a stuck one)', async () => {
      const stuck = await insertExport('running');
      // Asked for long before the service's (manual) clock's now.
      await t.db.query(
        `UPDATE register_exports SET requested_at = '2000-01-01T00:00:00Z' WHERE id = $1`,
        [stuck],
      );
      const res = await request(world.admin, { campaignId: world.campaignId, format: 'csv' });
      expect(res.status).toBe(202);
      const id = (res.body as RegisterExportView).id;
      expect(id).not.toBe(stuck);
      await untilFinished(world.admin, id);
      await t.db.query(`UPDATE register_exports SET status = 'failed' WHERE id = $1`, [stuck]);
    });

    it('two requests of one register at once make one export', async () => {
      const [a, b] = await Promise.all(
        [0, 1].map(() =>
          request(world.town.token, { campaignId: world.campaignId, format: 'xlsx' }),
        ),
      );
      expect([a.status, b.status]).toEqual([202, 202]);
      const id = (a.body as RegisterExportView).id;
      expect((b.body as RegisterExportView).id).toBe(id);
      await untilFinished(world.town.token, id);
    });

    it('a failed export answers 409 EXPORT_FAILED and is not retried by the reconciler', async () => {
      const id = await insertExport('failed');
      expectError(await fileRequest(world.admin, id), 409, 'EXPORT_FAILED');
      await worker().reconcile();
      expect((await view(world.admin, id)).status).toBe('failed');
    });

    it('an expired export loses its file and answers 409 EXPORT_EXPIRED', async () => {
      const res = await request(world.admin, { campaignId: world.campaignId, format: 'csv' });
      const id = (res.body as RegisterExportView).id;
      await untilFinished(world.admin, id);
      const path = exportFilePath(TEST_ENV.UPLOAD_DIR, id, 'csv');
      expect(existsSync(path)).toBe(true);
      await t.db.query(
        `UPDATE register_exports SET expires_at = '2000-01-01T00:00:00Z' WHERE id = $1`,
        [id],
      );
      expectError(await fileRequest(world.admin, id), 409, 'EXPORT_EXPIRED');
      await worker().reconcile();
      expect((await view(world.admin, id)).status).toBe('expired');
      expect(existsSync(path)).toBe(false);
      const left = await readdir(`${TEST_ENV.UPLOAD_DIR}/exports`);
      expect(left.filter((f) => f.endsWith('.part'))).toEqual([]);
    });
  });
});
