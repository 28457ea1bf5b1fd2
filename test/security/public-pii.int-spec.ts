import { COMPOUND_SURNAMES } from '../../libs/domain/src/notices/compound-surnames';
import { bearer, createTestApp, resetDatabase, TestApp } from '../support/test-app';
import {
  decide,
  getApplication,
  readyDraftOf,
  Reviewer,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from '../support/workflow-fixture';
import { createApplicant } from '../factories/applications.factory';
import { HOUSEHOLD_NAMES, piiHousehold, piiIn, Secrets } from './support/pii';
import { clearRateLimits } from './support/security-world';

/** The board's fixed page size (api.md: "Page size is capped"). */
const PAGE_CAP = 20;
const HOUSEHOLDS = HOUSEHOLD_NAMES.length;

interface NoticeItem {
  noticeId: string;
  applicantName: string;
}

/** 张三丰 → 张**, 欧阳娜娜 → 欧阳** (api.md "Public notices"). */
function masked(name: string): string {
  const surname = name.length >= 3 && COMPOUND_SURNAMES.has(name.slice(0, 2)) ? 2 : 1;
  return name.slice(0, surname) + '*'.repeat(name.length - surname);
}

/**
 * The public side never shows who the households are (issue #6): 25 households
 * with known names, ID numbers, incomes and addresses go through the three
 * notices, and at each stage every public route is fetched and its whole
 * body scanned for them. The board's page size holds however much is asked.
 */
describe('security: no personal data on the public side', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  const ids: string[] = [];
  let owner: string;
  const secrets: Secrets = { idNumbers: [], names: [], incomes: [], addresses: [] };

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
    await clearRateLimits(t);
    world = await workflowWorld(t);
    owner = (await createApplicant(t)).token;
    const community = world.tree.towns[0].communities[0];
    for (let i = 0; i < HOUSEHOLDS; i++) {
      const body = piiHousehold(i, world.campaignId, community);
      const draft = await readyDraftOf(t, body, owner);
      ids.push(draft.id);
      const view = await getApplication(t, draft.id, owner);
      secrets.idNumbers.push(...body.members.map((m) => m.idNumber));
      secrets.names.push(...body.members.map((m) => m.name));
      secrets.addresses.push(body.properties[0].address);
      secrets.incomes.push(
        ...[
          ...body.members.map((m) => m.annualIncome),
          view.householdIncome as number,
          view.perCapitaIncome as number,
        ]
          .filter((n) => n >= 1000)
          .map(String),
      );
      expect((await submit(t, draft.id, owner)).status).toBe(200);
    }
  }, 300_000);
  afterAll(() => t.close());

  /** Every public route, with every filter of the board and every page: name → body text. */
  async function publicPages(): Promise<Record<string, string>> {
    const pages: Record<string, string> = {};
    const get = async (path: string, query: Record<string, string> = {}) => {
      const res = await t.http().get(path).query(query);
      pages[`${path}?${new URLSearchParams(query).toString()}`] = res.text;
      return res;
    };
    const first = await get('/api/public/notices');
    const total = (first.body as { total: number }).total;
    for (let page = 1; page <= Math.ceil(total / PAGE_CAP) + 1; page++) {
      await get('/api/public/notices', { page: String(page) });
    }
    await get('/api/public/notices', { campaignId: world.campaignId });
    await get('/api/public/notices', { regionId: world.tree.towns[0].communities[0] });
    for (const level of ['community', 'town', 'bureau'])
      await get('/api/public/notices', { level });
    for (const path of [
      '/api/health',
      '/api/docs-json',
      '/api/docs-yaml',
      '/api/docs',
      '/api/docs/swagger-ui-init.js',
    ]) {
      await get(path);
    }
    const items = (first.body as { items: NoticeItem[] }).items;
    if (items.length > 0) {
      await clearRateLimits(t);
      const objection = await t
        .http()
        .post(`/api/public/notices/${items[0].noticeId}/objections`)
        .send({ content: '请核实' });
      pages['POST objection'] = objection.text;
      const refused = await t
        .http()
        .post(`/api/public/notices/${items[0].noticeId}/objections`)
        .send({ content: '' });
      pages['POST objection (refused)'] = refused.text;
    }
    return pages;
  }

  async function expectNoPersonalData(): Promise<number> {
    const pages = await publicPages();
    const hits = Object.entries(pages).flatMap(([page, text]) =>
      piiIn(text, secrets, COMPOUND_SURNAMES).map((hit) => `${page}: ${hit}`),
    );
    expect(hits).toEqual([]);
    return Object.keys(pages).length;
  }

  async function board(query: Record<string, string> = {}) {
    const res = await t.http().get('/api/public/notices').query(query).expect(200);
    return res.body as { items: NoticeItem[]; total: number };
  }

  /** With more notices running than a page holds, no query gets more than the cap. */
  async function expectPagesCapped(): Promise<void> {
    expect((await board()).items).toHaveLength(PAGE_CAP);
    expect((await board({ page: '2' })).items).toHaveLength(HOUSEHOLDS - PAGE_CAP);
    for (const param of ['pageSize', 'limit', 'per_page', 'size', 'take']) {
      const res = await t
        .http()
        .get('/api/public/notices')
        .query({ [param]: '10000' });
      // Either the parameter is refused (400, an unknown field) or the page is cut to the cap.
      if (res.status === 200) {
        expect((res.body as { items: unknown[] }).items.length).toBeLessThanOrEqual(PAGE_CAP);
      } else {
        expect({ param, status: res.status }).toEqual({ param, status: 400 });
      }
    }
  }

  /** Every applicant on the board, across its pages, with the name masked as the contract says. */
  async function expectNamesMasked(): Promise<void> {
    const shown = [...(await board()).items, ...(await board({ page: '2' })).items];
    expect(shown.map((item) => item.applicantName).sort()).toEqual(
      HOUSEHOLD_NAMES.map(([name]) => masked(name)).sort(),
    );
  }

  /** Each household approved by `reviewer`: its notice runs; the board is scanned; then the notices end. */
  async function underNoticeOf(reviewer: Reviewer): Promise<void> {
    let end = '';
    for (const id of ids) {
      const res = await decide(t, reviewer, id, 'approve');
      expect(res.status).toBe(200);
      end = (res.body as { noticeEndsAt: string }).noticeEndsAt;
    }
    expect((await board()).total).toBe(HOUSEHOLDS);
    const scanned = await expectNoPersonalData();
    await expectPagesCapped();
    await expectNamesMasked();
    console.log(
      `PII scan under the notice of ${reviewer.name}: ${scanned} public responses scanned for ` +
        `${secrets.idNumbers.length} ID numbers, ${secrets.names.length} names, ` +
        `${secrets.incomes.length} income figures, ${secrets.addresses.length} addresses`,
    );
    await dismissObjections(reviewer);
    await setClock(t, world.admin, end);
  }

  /** The scan files an objection (its answer is a public page too): dismissed, it holds nothing up. */
  async function dismissObjections(reviewer: Reviewer): Promise<void> {
    const open: { id: string; application_id: string }[] = await t.db.query(
      `SELECT id, application_id FROM objections WHERE resolved_at IS NULL`,
    );
    for (const objection of open) {
      await t
        .http()
        .post(`/api/applications/${objection.application_id}/objections/${objection.id}/resolution`)
        .set(bearer(reviewer.token))
        .send({ upheld: false, opinion: '经核实，异议不成立', signature: reviewer.name })
        .expect(200);
    }
  }

  it('finds the secrets where they belong (the scanner works): in the applicant’s own view', async () => {
    const res = await t.http().get(`/api/applications/${ids[0]}`).set(bearer(owner));
    expect(piiIn(res.text, secrets, COMPOUND_SURNAMES)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ID digits/),
        expect.stringMatching(/^name /),
        expect.stringMatching(/^income /),
        expect.stringMatching(/^address /),
      ]),
    );
  });

  it('shows nothing personal before any notice', async () => {
    expect((await board()).total).toBe(0);
    await expectNoPersonalData();
  });

  // One journey: each stage starts where the one before ended.
  it('shows masked names and public figures only, a page at most 20, under the community notice', async () => {
    await underNoticeOf(world.community);
  }, 120_000);

  it('… under the town notice', async () => {
    await underNoticeOf(world.town);
  }, 120_000);

  it('… under the county notice, and nothing once every household is approved', async () => {
    await underNoticeOf(world.bureau);
    expect((await board()).total).toBe(0);
    await expectNoPersonalData();
  }, 120_000);
});
