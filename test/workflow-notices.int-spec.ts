import Redis from 'ioredis';
import { REDIS, RedisKeys } from '@app/redis';
import { familyBody } from './factories/applications.factory';
import {
  bearer,
  countRows,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';
import {
  decide,
  getApplication,
  historyOf,
  readyDraftOf,
  Reviewer,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOWHERE = '00000000-0000-4000-8000-000000000000';

interface NoticeItem {
  noticeId: string;
  serial: number;
  level: string;
  communityName: string;
  applicantName: string;
  persons: number;
  perCapitaArea: number;
  incomeTier: number | null;
  startsAt: string;
  endsAt: string;
}

/**
 * The public board and objections (api.md "Public notices and objections").
 * The clock starts on Mon 2025-09-01 09:00 +08:00. A community notice posted
 * that day ends at the end of its 5th day after (Sat 09-06), moved to the next
 * working day, Mon 09-08: `2025-09-09T00:00:00+08:00`.
 */
describe('public notices and objections', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    await clearObjectionRateLimit();
    world = await workflowWorld(t);
  });

  const FIRST_NOTICE_END = '2025-09-09T00:00:00+08:00';

  /** The rate limit lives in Redis, which resetDatabase leaves alone: every test starts with a fresh allowance. */
  async function clearObjectionRateLimit(): Promise<void> {
    const redis = t.app.get<Redis>(REDIS);
    const found = await redis.keys(t.app.get(RedisKeys).key('rate', 'objection', '*'));
    if (found.length > 0) await redis.del(...found);
  }

  /** GET /api/public/notices without a token: the page and the raw text. */
  const board = async (
    query: Record<string, string> = {},
  ): Promise<{ text: string; body: { items: NoticeItem[]; total: number } }> => {
    const res = await t.http().get('/api/public/notices').query(query);
    expect(res.status).toBe(200);
    return { text: res.text, body: res.body as { items: NoticeItem[]; total: number } };
  };

  /** Submitted and approved by the community now: under its community notice. */
  async function underNotice(
    body: Record<string, unknown> = familyBody(
      world.campaignId,
      world.tree.towns[0].communities[0],
    ),
  ) {
    const draft = await readyDraftOf(t, body);
    expect((await submit(t, draft.id, draft.token)).status).toBe(200);
    const approved = await decide(t, world.community, draft.id, 'approve');
    expect(approved.status).toBe(200);
    const [notice]: { id: string }[] = await t.db.query(
      `SELECT id FROM notices WHERE application_id = $1 AND closed_at IS NULL`,
      [draft.id],
    );
    return { ...draft, noticeId: notice.id };
  }

  const object = (noticeId: string, body: Record<string, unknown> = { content: '该户另有住房' }) =>
    t.http().post(`/api/public/notices/${noticeId}/objections`).send(body);

  async function filed(noticeId: string): Promise<string> {
    const res = await object(noticeId);
    expect(res.status).toBe(201);
    return (res.body as { objectionId: string }).objectionId;
  }

  const resolve = (reviewer: Reviewer, id: string, objectionId: string, upheld: boolean) =>
    t
      .http()
      .post(`/api/applications/${id}/objections/${objectionId}/resolution`)
      .set(bearer(reviewer.token))
      .send({ upheld, opinion: '经核实', signature: reviewer.name });

  const trail = async (id: string, token: string) =>
    (await historyOf(t, id, token)).map((e) => `${e.type}:${e.from}->${e.to}`);

  describe('the board', () => {
    it('lists a community notice without login, with the masked name and the public figures only', async () => {
      const body = familyBody(world.campaignId, world.tree.towns[0].communities[0]);
      await underNotice(body);

      const res = await board();

      expect(res.body.total).toBe(1);
      expect(res.body.items).toEqual([
        {
          noticeId: expect.stringMatching(UUID),
          serial: expect.any(Number),
          level: 'community',
          communityName: '社区0-0',
          applicantName: '张*',
          persons: 3,
          perCapitaArea: 10,
          incomeTier: 0.3,
          startsAt: '2025-09-01T09:00:00+08:00',
          endsAt: FIRST_NOTICE_END,
        },
      ]);
      expect(res.body.items[0].serial).toBeGreaterThan(0);
    });

    it('lets no personal datum out: no ID number, name, given name, income or address anywhere in the response', async () => {
      const body = familyBody(world.campaignId, world.tree.towns[0].communities[0]);
      await underNotice(body);

      const text = (await board()).text;

      expect(text).toContain('张*');
      for (const m of body.members) {
        expect(text).not.toContain(m.idNumber);
        expect(text).not.toContain(m.name);
        expect(text).not.toContain(m.name.slice(1)); // the given name
      }
      // Each member's income, the household's (15000) and the per-capita one (5000) as number tokens.
      for (const income of [...body.members.map((m) => m.annualIncome), 15000, 5000]) {
        if (income === 0) continue;
        expect(text).not.toMatch(new RegExp(`(?<![0-9.])${income}(?![0-9])`));
      }
      for (const p of body.properties) {
        expect(text).not.toContain(p.address);
        expect(text).not.toContain(p.ownerIdNumber);
      }
    });

    it('caps the page at 20 notices and pages through the rest', async () => {
      await underNotice();
      // 24 notices in all: copies of the real one, cheaper than 23 more households.
      await t.db.query(
        `INSERT INTO notices (application_id, campaign_id, level, region_path, community_name, masked_name,
                              persons, per_capita_area_centi, income_tier, starts_at, ends_at)
         SELECT application_id, campaign_id, level, region_path, community_name, masked_name,
                persons, per_capita_area_centi, income_tier, starts_at, ends_at
           FROM notices, generate_series(1, 23)`,
      );

      const first = await board();
      expect(first.body.items).toHaveLength(20);
      expect(first.body.total).toBe(24);
      const second = await board({ page: '2' });
      expect(second.body.items).toHaveLength(4);
      const serials = [...first.body.items, ...second.body.items].map((i) => i.serial);
      expect(new Set(serials).size).toBe(24);
      expect(serials).toEqual([...serials].sort((a, b) => a - b));

      // The page size is not the caller's to choose: an unknown query field is refused.
      const asked = await t.http().get('/api/public/notices').query({ pageSize: '100' });
      expectError(asked, 400, 'VALIDATION_FAILED');
    });

    it('reports the total on a page past the last one', async () => {
      await underNotice();

      const res = await board({ page: '2' });

      expect(res.body.items).toEqual([]);
      expect(res.body.total).toBe(1);
    });

    it('filters by level, campaign and region', async () => {
      const communityId = world.tree.towns[0].communities[0];
      const second = await t
        .http()
        .post('/api/campaigns')
        .set(bearer(world.admin))
        .send({ name: '2025年补充调查', countyId: world.tree.countyId, referenceIncome: 20000 })
        .expect(201);
      const campaign2 = (second.body as { id: string }).id;

      // A (campaign 1) and B (campaign 2) pass the community notice and reach the town's notice;
      // C (campaign 1) is approved by the community on the day the town approves A and B.
      const a = await underNotice(familyBody(world.campaignId, communityId));
      const b = await underNotice(familyBody(campaign2, communityId));
      await setClock(t, world.admin, '2025-09-10T09:00:00+08:00');
      expect((await decide(t, world.town, a.id, 'approve')).status).toBe(200);
      expect((await decide(t, world.town, b.id, 'approve')).status).toBe(200);
      const c = await underNotice(familyBody(world.campaignId, communityId));

      const rows: { id: string; application_id: string }[] = await t.db.query(
        `SELECT id, application_id FROM notices WHERE closed_at IS NULL`,
      );
      const owner = new Map(rows.map((r) => [r.id, r.application_id]));
      const listed = async (query: Record<string, string>) =>
        (await board(query)).body.items.map((i) => owner.get(i.noticeId)).sort();

      expect(await listed({})).toEqual([a.id, b.id, c.id].sort());
      expect(await listed({ level: 'town' })).toEqual([a.id, b.id].sort());
      expect(await listed({ level: 'community' })).toEqual([c.id]);
      expect(await listed({ level: 'bureau' })).toEqual([]);
      expect(await listed({ campaignId: world.campaignId })).toEqual([a.id, c.id].sort());
      expect(await listed({ campaignId: campaign2 })).toEqual([b.id]);
      expect(await listed({ campaignId: campaign2, level: 'community' })).toEqual([]);
      expect(await listed({ campaignId: NOWHERE })).toEqual([]);
      expect(await listed({ regionId: world.tree.towns[0].id })).toHaveLength(3);
      expect(await listed({ regionId: world.tree.towns[1].id })).toEqual([]);
      expect((await board({ level: 'town' })).body.items.map((i) => i.level)).toEqual([
        'town',
        'town',
      ]);
    });
  });

  describe('filing objections', () => {
    it('accepts an objection during the notice with 201 and its id', async () => {
      const { id, noticeId } = await underNotice();

      const res = await object(noticeId, {
        content: '该户在城北另有住房一套。',
        contactName: '王五',
        contactPhone: '13900000000',
      });

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ objectionId: expect.stringMatching(UUID) });
      const rows: { application_id: string; resolved_at: Date | null }[] = await t.db.query(
        `SELECT application_id, resolved_at FROM objections WHERE id = $1`,
        [(res.body as { objectionId: string }).objectionId],
      );
      expect(rows).toEqual([{ application_id: id, resolved_at: null }]);
    });

    it('refuses an objection once the notice has ended with 409 NOTICE_ENDED', async () => {
      const { id, token, noticeId } = await underNotice();
      await setClock(t, world.admin, FIRST_NOTICE_END);
      expect((await getApplication(t, id, token)).status).toBe('town_review');

      expectError(await object(noticeId), 409, 'NOTICE_ENDED');
      expect(await countRows(t, ['objections'])).toEqual({ objections: 0 });
    });

    it('answers 404 for an unknown notice', async () => {
      expectError(await object(NOWHERE), 404, 'NOT_FOUND');
    });

    it('refuses an empty content or an unknown field with 400 and files nothing', async () => {
      const { noticeId } = await underNotice();

      expectError(await object(noticeId, { content: '' }), 400, 'VALIDATION_FAILED');
      const unknown = expectError(
        await object(noticeId, { content: '另有住房', idNumber: '1' }),
        400,
        'VALIDATION_FAILED',
      );
      expect(unknown).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_FIELD' }));
      expectError(await object(noticeId, {}), 400, 'VALIDATION_FAILED');
      expect(await countRows(t, ['objections'])).toEqual({ objections: 0 });
    });

    it('refuses the 11th objection from one client within the hour with 429 RATE_LIMITED', async () => {
      const { noticeId } = await underNotice();

      for (let i = 1; i <= 10; i++) {
        expect((await object(noticeId, { content: `异议${i}` })).status).toBe(201);
      }
      expectError(await object(noticeId, { content: '异议11' }), 429, 'RATE_LIMITED');
      expect(await countRows(t, ['objections'])).toEqual({ objections: 10 });
    });
  });

  describe('resolving objections', () => {
    it('rejects the application at once when the community reviewer upholds an objection', async () => {
      const { id, token, noticeId } = await underNotice();
      const objectionId = await filed(noticeId);

      const res = await resolve(world.community, id, objectionId, true);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'rejected',
        level: 'community',
        noticeEndsAt: null,
      });
      expect(await trail(id, token)).toEqual([
        'submit:draft->community_review',
        'approve:community_review->community_notice',
        'objection_upheld:community_notice->rejected',
      ]);
      expect((await historyOf(t, id, token))[2]).toMatchObject({
        opinion: '经核实',
        signature: world.community.name,
        actor: { name: world.community.name, role: 'community_reviewer' },
      });
      const [objection]: { upheld: boolean; resolved_at: Date | null }[] = await t.db.query(
        `SELECT upheld, resolved_at FROM objections WHERE id = $1`,
        [objectionId],
      );
      expect(objection.upheld).toBe(true);
      expect(objection.resolved_at).not.toBeNull();
      expect((await board()).body.total).toBe(0);
      expect(
        await t.db.query(`SELECT 1 FROM live_memberships WHERE application_id = $1`, [id]),
      ).toHaveLength(0);
      // Nothing fires at the notice's old end.
      await setClock(t, world.admin, FIRST_NOTICE_END);
      expect((await getApplication(t, id, token)).status).toBe('rejected');
    });

    it('leaves the notice running when an objection is dismissed during it; the notice then ends normally', async () => {
      const { id, token, noticeId } = await underNotice();
      const objectionId = await filed(noticeId);

      const res = await resolve(world.community, id, objectionId, false);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'community_notice',
        noticeEndsAt: FIRST_NOTICE_END,
      });
      expect((await board()).body.items.map((i) => i.noticeId)).toEqual([noticeId]);

      // Ends 09-09 00:00; the town receives it on 09-09: working days 09-10 … 09-23 → due at the end of 09-23.
      await setClock(t, world.admin, FIRST_NOTICE_END);
      expect(await getApplication(t, id, token)).toMatchObject({
        status: 'town_review',
        level: 'town',
        dueAt: '2025-09-24T00:00:00+08:00',
      });
      expect(await trail(id, token)).toEqual([
        'submit:draft->community_review',
        'approve:community_review->community_notice',
        'objection_dismissed:community_notice->community_notice',
        'notice_end:community_notice->town_review',
      ]);
    });

    it('keeps the application waiting when the notice ends with an objection open, and moves it on when it is dismissed', async () => {
      const { id, token, noticeId } = await underNotice();
      const objectionId = await filed(noticeId);

      await setClock(t, world.admin, FIRST_NOTICE_END);
      expect(await getApplication(t, id, token)).toMatchObject({
        status: 'community_notice',
        level: 'community',
      });
      expect((await historyOf(t, id, token)).at(-1)).toMatchObject({
        type: 'notice_waiting',
        from: 'community_notice',
        to: 'community_notice',
        at: FIRST_NOTICE_END,
      });
      // Objections are closed while it waits.
      expectError(await object(noticeId), 409, 'NOTICE_ENDED');

      // Dismissed Wed 09-10: the town's day 1 is 09-11; 09-11 … 09-24 → due at the end of 09-24.
      await setClock(t, world.admin, '2025-09-10T10:00:00+08:00');
      const res = await resolve(world.community, id, objectionId, false);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'town_review',
        level: 'town',
        dueAt: '2025-09-25T00:00:00+08:00',
        noticeEndsAt: null,
      });
      expect(await trail(id, token)).toEqual([
        'submit:draft->community_review',
        'approve:community_review->community_notice',
        'notice_waiting:community_notice->community_notice',
        'objection_dismissed:community_notice->town_review',
      ]);
    });

    it('waits for every open objection: dismissing the first keeps it waiting, dismissing the second moves it on', async () => {
      const { id, token, noticeId } = await underNotice();
      const first = await filed(noticeId);
      const second = await filed(noticeId);
      await setClock(t, world.admin, FIRST_NOTICE_END);

      const one = await resolve(world.community, id, first, false);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ status: 'community_notice' });
      expect((await getApplication(t, id, token)).status).toBe('community_notice');

      const two = await resolve(world.community, id, second, false);
      expect(two.status).toBe(200);
      expect(two.body).toMatchObject({ status: 'town_review', level: 'town' });
      expect(await trail(id, token)).toEqual([
        'submit:draft->community_review',
        'approve:community_review->community_notice',
        'notice_waiting:community_notice->community_notice',
        'objection_dismissed:community_notice->community_notice',
        'objection_dismissed:community_notice->town_review',
      ]);
    });

    it('archives on dismissing the last objection after the bureau notice: the number in the answer, the row and a replay', async () => {
      const { id, token, noticeId: communityNotice } = await underNotice();
      const noticeEnd = async () => {
        const [notice]: { id: string; ends_at: Date }[] = await t.db.query(
          `SELECT id, ends_at FROM notices WHERE application_id = $1 AND closed_at IS NULL`,
          [id],
        );
        return notice;
      };
      await setClock(t, world.admin, (await noticeEnd()).ends_at.toISOString());
      expect(communityNotice).toBeDefined();
      expect((await decide(t, world.town, id, 'approve')).status).toBe(200);
      await setClock(t, world.admin, (await noticeEnd()).ends_at.toISOString());
      expect((await decide(t, world.bureau, id, 'approve')).status).toBe(200);
      const bureauNotice = await noticeEnd();
      const objectionId = await filed(bureauNotice.id);
      await setClock(t, world.admin, bureauNotice.ends_at.toISOString());
      expect((await getApplication(t, id, token)).status).toBe('bureau_notice');

      const dismiss = () =>
        t
          .http()
          .post(`/api/applications/${id}/objections/${objectionId}/resolution`)
          .set(bearer(world.bureau.token))
          .set('idempotency-key', 'dismiss-last-bureau-objection')
          .send({ upheld: false, opinion: '经核实', signature: world.bureau.name });
      const res = await dismiss();

      expect(res.status).toBe(200);
      const [county]: { code: string }[] = await t.db.query(
        `SELECT code FROM regions WHERE id = $1`,
        [world.tree.countyId],
      );
      expect(res.body).toMatchObject({
        status: 'approved',
        archiveNo: `${county.code}-2025-000001`,
      });
      expect((await getApplication(t, id, token)).archiveNo).toBe(`${county.code}-2025-000001`);
      const replay = await dismiss();
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(res.body);
    });

    it('refuses to resolve an objection already resolved with 409', async () => {
      const { id, token, noticeId } = await underNotice();
      const first = await filed(noticeId);
      expect((await resolve(world.community, id, first, false)).status).toBe(200);
      const length = (await historyOf(t, id, token)).length;

      // The only objection is resolved: none is open.
      expectError(await resolve(world.community, id, first, true), 409, 'NO_UNRESOLVED_OBJECTION');
      // Another one is open, but not this one.
      await filed(noticeId);
      expectError(await resolve(world.community, id, first, true), 409, 'OBJECTION_NOT_OPEN');

      expect((await getApplication(t, id, token)).status).toBe('community_notice');
      expect(await historyOf(t, id, token)).toHaveLength(length);
      const [objection]: { upheld: boolean }[] = await t.db.query(
        `SELECT upheld FROM objections WHERE id = $1`,
        [first],
      );
      expect(objection.upheld).toBe(false);
    });

    it('refuses a resolution naming another application’s objection and changes neither application', async () => {
      const a = await underNotice();
      const b = await underNotice();
      const mine = await filed(a.noticeId);
      const theirs = await filed(b.noticeId);
      const before = await countRows(t, ['application_history']);

      const res = await resolve(world.community, a.id, theirs, true);

      expectError(res, 409, 'OBJECTION_NOT_OPEN');
      expect((await getApplication(t, a.id, a.token)).status).toBe('community_notice');
      expect((await getApplication(t, b.id, b.token)).status).toBe('community_notice');
      expect(await countRows(t, ['application_history'])).toEqual(before);
      const open: { id: string }[] = await t.db.query(
        `SELECT id FROM objections WHERE resolved_at IS NULL ORDER BY id`,
      );
      expect(open.map((o) => o.id)).toEqual([mine, theirs].sort());
    });

    it('refuses a town reviewer resolving a community-level objection with 409 WRONG_LEVEL (not 404: the application is in their town)', async () => {
      const { id, token, noticeId } = await underNotice();
      const objectionId = await filed(noticeId);

      expectError(await resolve(world.town, id, objectionId, true), 409, 'WRONG_LEVEL');
      // The reviewer of a sibling community cannot see it at all.
      expectError(await resolve(world.otherCommunity, id, objectionId, true), 404, 'NOT_FOUND');

      expect((await getApplication(t, id, token)).status).toBe('community_notice');
      const [objection]: { resolved_at: Date | null }[] = await t.db.query(
        `SELECT resolved_at FROM objections WHERE id = $1`,
        [objectionId],
      );
      expect(objection.resolved_at).toBeNull();
    });

    it('refuses a resolution signed with another name with 422 SIGNATURE_MISMATCH', async () => {
      const { id, noticeId } = await underNotice();
      const objectionId = await filed(noticeId);

      const res = await t
        .http()
        .post(`/api/applications/${id}/objections/${objectionId}/resolution`)
        .set(bearer(world.community.token))
        .send({ upheld: true, opinion: '经核实', signature: '他人' });

      expectError(res, 422, 'SIGNATURE_MISMATCH');
      const [objection]: { resolved_at: Date | null }[] = await t.db.query(
        `SELECT resolved_at FROM objections WHERE id = $1`,
        [objectionId],
      );
      expect(objection.resolved_at).toBeNull();
    });
  });
});
