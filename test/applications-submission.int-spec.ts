import {
  ApplicationBody,
  createApplicant,
  createDraft,
  familyBody,
  getApplication,
  returnForMaterials,
  setClock,
  submittable,
} from './factories/applications.factory';
import { TransitionQueue } from '@app/workflow';
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

const TABLES = ['applications', 'live_memberships', 'materials'];
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** The same family with its applicant (and the applicant's home) replaced by `idNumber`. */
const withApplicantId = (body: ApplicationBody, idNumber: string): ApplicationBody => ({
  ...body,
  members: [{ ...body.members[0], idNumber }, ...body.members.slice(1)],
  properties: body.properties.map((p) => ({ ...p, ownerIdNumber: idNumber })),
});

describe('applications: submission and withdrawal', () => {
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
    tree = await createRegionTree(t, admin, 1, 1);
    community = tree.towns[0].communities[0];
    campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 })).id;
    applicant = await createApplicant(t);
  });

  const family = (overrides: { area?: number; income?: number } = {}) =>
    familyBody(campaignId, community, overrides);
  const submit = (id: string, token = applicant.token) =>
    t.http().post(`/api/applications/${id}/submit`).set(bearer(token));
  const withdraw = (id: string, token = applicant.token) =>
    t.http().post(`/api/applications/${id}/withdraw`).set(bearer(token));
  /** Runs a refused request: no application, membership or material appears or disappears. */
  const unchanged = <T>(act: () => Promise<T>) => withoutRowChanges(t, TABLES, act);
  const memberships = (): Promise<{ id_number: string; application_id: string }[]> =>
    t.db.query(
      `SELECT trim(id_number) AS id_number, application_id FROM live_memberships ORDER BY 1`,
    );
  const statusOf = async (id: string) => (await getApplication(t, applicant.token, id)).status;

  describe('POST /api/applications/:id/submit', () => {
    it('sends a complete, eligible draft to its community inside the window, due after 5 working days', async () => {
      const ready = await submittable(t, applicant.token, family());
      await setClock(t, admin, '2025-09-26T10:00:00+08:00');
      const res = await submit(ready.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: ready.id,
        status: 'community_review',
        level: 'community',
        // Sep 28 (a working Sunday), 29, 30, then after the National Day holidays Oct 9 and 10.
        dueAt: '2025-10-11T00:00:00+08:00',
        overdue: false,
        version: ready.version + 1,
      });
      expect(await getApplication(t, applicant.token, ready.id)).toEqual(res.body);
      expect(await memberships()).toEqual(
        ready.members
          .map((m) => ({ id_number: m.idNumber, application_id: ready.id }))
          .sort((a, b) => a.id_number.localeCompare(b.id_number)),
      );
    });

    it('refuses a body with fields (400, each named) and changes nothing; takes an empty one', async () => {
      const ready = await submittable(t, applicant.token, family());
      for (const path of ['submit', 'withdraw']) {
        const details = expectError(
          await unchanged(() =>
            t
              .http()
              .post(`/api/applications/${ready.id}/${path}`)
              .set(bearer(applicant.token))
              .send({ status: 'approved', level: 'bureau' }),
          ),
          400,
          'VALIDATION_FAILED',
        );
        expect(details.map((d) => [d.code, d.field])).toEqual([
          ['UNKNOWN_FIELD', 'status'],
          ['UNKNOWN_FIELD', 'level'],
        ]);
        expectError(
          await t
            .http()
            .post(`/api/applications/${ready.id}/${path}`)
            .set(bearer(applicant.token))
            .set('content-type', 'application/json')
            .send('["submit"]'),
          400,
          'VALIDATION_FAILED',
        );
      }
      expect(await statusOf(ready.id)).toBe('draft');
      const res = await t
        .http()
        .post(`/api/applications/${ready.id}/submit`)
        .set(bearer(applicant.token))
        .send({});
      expect(res.status).toBe(200);
      expect(await statusOf(ready.id)).toBe('community_review');
    });

    it('accepts a submission on the opening day', async () => {
      const ready = await submittable(t, applicant.token, family());
      const res = await submit(ready.id);
      expect(res.status).toBe(200);
      // Mon 2025-09-01: working days 2, 3, 4, 5 and 8 September.
      expect(res.body).toMatchObject({
        status: 'community_review',
        dueAt: '2025-09-09T00:00:00+08:00',
      });
    });

    it('records when the application was submitted, in the application and in the list', async () => {
      const ready = await submittable(t, applicant.token, family());
      await setClock(t, admin, '2025-09-26T10:00:00+08:00');
      const res = await submit(ready.id);
      expect(res.status).toBe(200);
      expect(res.body.submittedAt).toBe('2025-09-26T10:00:00+08:00');
      const listed = await t.http().get('/api/applications').set(bearer(applicant.token));
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: ready.id, submittedAt: '2025-09-26T10:00:00+08:00' }),
      ]);
    });

    it('accepts a submission in the last second of the closing day', async () => {
      const ready = await submittable(t, applicant.token, family());
      await setClock(t, admin, '2025-10-26T23:59:59+08:00');
      expect((await submit(ready.id)).status).toBe(200);
    });

    /** A submission's job as the API queues it, asked for at `askedAt`. */
    async function submitAsked(id: string, askedAt: string) {
      const [owner] = await t.db.query<{ id: string; name: string }[]>(
        `SELECT u.id, u.name FROM users u JOIN applications a ON a.applicant_user_id = u.id
          WHERE a.id = $1`,
        [id],
      );
      const actor = { userId: owner.id, role: 'applicant', name: owner.name, regionPath: null };
      return t.app
        .get(TransitionQueue)
        .run(
          'submit',
          { applicationId: id, actor: { ...actor, askedAt } },
          TransitionQueue.commandJob('submit', owner.id, id),
        );
    }

    it('judges the window by when the submission was asked for, not when its job is applied', async () => {
      const ready = await submittable(t, applicant.token, family());
      await setClock(t, admin, '2025-10-27T00:05:00+08:00');
      // Asked in the last second of the closing day, applied five minutes later: in time.
      const inTime = await submitAsked(ready.id, '2025-10-26T15:59:59.000Z');
      expect(inTime.statusCode).toBe(200);
      expect(await statusOf(ready.id)).toBe('community_review');
    });

    it('takes a time of asking ahead of the service clock as now', async () => {
      const later = await createCampaign(t, admin, tree.countyId, {
        referenceIncome: 20000,
        opensOn: '2025-09-10',
      });
      const ready = await submittable(t, applicant.token, familyBody(later.id, community));
      // The clock says 1 September; a job claiming to be asked on the 15th is not let in early.
      const ahead = await submitAsked(ready.id, '2025-09-15T02:00:00.000Z');
      expect(ahead).toMatchObject({ statusCode: 409, body: { code: 'OUTSIDE_CAMPAIGN_WINDOW' } });
      expect(await statusOf(ready.id)).toBe('draft');
    });

    it('refuses a submission before the window opens with 409 OUTSIDE_CAMPAIGN_WINDOW, and accepts it on the opening day', async () => {
      const later = await createCampaign(t, admin, tree.countyId, {
        referenceIncome: 20000,
        opensOn: '2025-09-10',
      });
      const ready = await submittable(t, applicant.token, familyBody(later.id, community));
      await setClock(t, admin, '2025-09-09T23:59:59+08:00');
      expectError(await unchanged(() => submit(ready.id)), 409, 'OUTSIDE_CAMPAIGN_WINDOW');
      expect(await statusOf(ready.id)).toBe('draft');
      expect(await memberships()).toEqual([]);

      await setClock(t, admin, '2025-09-10T00:00:00+08:00');
      expect((await submit(ready.id)).status).toBe(200);
    });

    it('refuses a submission after the closing day with 409 OUTSIDE_CAMPAIGN_WINDOW', async () => {
      const ready = await submittable(t, applicant.token, family());
      await setClock(t, admin, '2025-10-27T00:00:00+08:00');
      expectError(await unchanged(() => submit(ready.id)), 409, 'OUTSIDE_CAMPAIGN_WINDOW');
      expect(await statusOf(ready.id)).toBe('draft');
    });

    it('refuses a draft with materials missing with 422 NOT_SUBMITTABLE, listing each one', async () => {
      const draft = await createDraft(t, applicant.token, family());
      const details = expectError(await unchanged(() => submit(draft.id)), 422, 'NOT_SUBMITTABLE');
      expect(details.map((d) => `${d.code} ${d.field}`)).toEqual(
        draft.missingMaterials.map(
          (m) =>
            `MATERIAL_MISSING ${[m.type, m.memberIdNumber, m.propertyId].filter(Boolean).join(':')}`,
        ),
      );
      expect(details).toHaveLength(8);
      expect(await statusOf(draft.id)).toBe('draft');
      expect(await memberships()).toEqual([]);
    });

    it('refuses an ineligible household with 422 NOT_SUBMITTABLE, giving every reason', async () => {
      const body = family({ area: 30.01, income: 54000.01 });
      body.members[1].hukouSince = '2025-01-01';
      const ready = await submittable(t, applicant.token, body);
      expect(ready.missingMaterials).toEqual([]);
      const details = expectError(await unchanged(() => submit(ready.id)), 422, 'NOT_SUBMITTABLE');
      expect(details.map((d) => d.code)).toEqual([
        'HUKOU_TOO_LATE',
        'AREA_ABOVE_LIMIT',
        'INCOME_ABOVE_LIMIT',
      ]);
      expect(await statusOf(ready.id)).toBe('draft');
    });

    it('lists both the reasons and the missing materials when a draft lacks both', async () => {
      const draft = await createDraft(t, applicant.token, family({ area: 31 }));
      const details = expectError(await unchanged(() => submit(draft.id)), 422, 'NOT_SUBMITTABLE');
      expect(details[0].code).toBe('AREA_ABOVE_LIMIT');
      expect(details.slice(1).map((d) => d.code)).toEqual(Array(8).fill('MATERIAL_MISSING'));
    });

    it('refuses a member already in another live application of the campaign with 409 MEMBER_IN_OTHER_APPLICATION', async () => {
      const first = await submittable(t, applicant.token, family());
      const neighbour = await createApplicant(t);
      const shared = first.members[0].idNumber;
      const second = await submittable(t, neighbour.token, withApplicantId(family(), shared));
      // A draft is not live: until the first is submitted, the second is eligible.
      expect(second.eligibility).toEqual({ eligible: true, reasons: [] });

      expect((await submit(first.id)).status).toBe(200);
      const res = await unchanged(() => submit(second.id, neighbour.token));
      expectError(res, 409, 'MEMBER_IN_OTHER_APPLICATION');

      const seen = await getApplication(t, neighbour.token, second.id);
      expect(seen.status).toBe('draft');
      expect(seen.eligibility.eligible).toBe(false);
      expect(seen.eligibility.reasons).toEqual([
        expect.objectContaining({ code: 'MEMBER_IN_OTHER_APPLICATION', memberIdNumber: shared }),
      ]);
      // The first application does not count against itself.
      expect((await getApplication(t, applicant.token, first.id)).eligibility.eligible).toBe(true);
    });

    it('lists a submitted application with the eligibility it was submitted with, not the one it was drafted with', async () => {
      const first = await submittable(t, applicant.token, family());
      expect((await submit(first.id)).status).toBe(200);
      const neighbour = await createApplicant(t);
      const shared = first.members[0].idNumber;
      // Drafted while the shared member is held by the first application: ineligible then.
      const second = await submittable(t, neighbour.token, withApplicantId(family(), shared));
      expect(second.eligibility.eligible).toBe(false);
      expect((await withdraw(first.id)).status).toBe(200);

      const submitted = await submit(second.id, neighbour.token);
      expect(submitted.status).toBe(200);
      expect(submitted.body.eligibility).toEqual({ eligible: true, reasons: [] });
      const listed = await t
        .http()
        .get('/api/applications')
        .query({ status: 'community_review' })
        .set(bearer(admin));
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: second.id, eligible: true }),
      ]);
    });

    it('does not hold a member live in another campaign against this one', async () => {
      const other = await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 });
      const first = await submittable(t, applicant.token, familyBody(other.id, community));
      expect((await submit(first.id)).status).toBe(200);
      const again = withApplicantId(family(), first.members[0].idNumber);
      const second = await submittable(t, applicant.token, again);
      expect(second.eligibility.eligible).toBe(true);
      expect((await submit(second.id)).status).toBe(200);
    });

    it('lets exactly one of 10 concurrent submissions sharing a member through', async () => {
      const shared = family().members[0].idNumber;
      const drafts: { id: string; token: string }[] = [];
      for (let i = 0; i < 10; i++) {
        const household = await createApplicant(t);
        const ready = await submittable(t, household.token, withApplicantId(family(), shared));
        drafts.push({ id: ready.id, token: household.token });
      }
      const answers = await Promise.all(drafts.map((d) => submit(d.id, d.token)));

      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(9).fill(409)]);
      for (const refused of answers.filter((r) => r.status !== 200)) {
        expectError(refused, 409, 'MEMBER_IN_OTHER_APPLICATION');
      }
      const winner = drafts[answers.findIndex((r) => r.status === 200)].id;
      const rows = await memberships();
      expect(rows.filter((r) => r.id_number === shared)).toEqual([
        { id_number: shared, application_id: winner },
      ]);
      expect(rows.every((r) => r.application_id === winner)).toBe(true);
      expect(rows).toHaveLength(3);
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM applications WHERE status = 'draft'`,
      );
      expect(n).toBe(9);
    });

    it('lets exactly one of 10 concurrent submissions of the same draft through, the others told it is no longer a draft', async () => {
      const ready = await submittable(t, applicant.token, family());
      const answers = await Promise.all(Array.from({ length: 10 }, () => submit(ready.id)));
      expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
      // The members are in this very application: no other application holds them.
      const codes = answers
        .filter((r) => r.status === 409)
        .map((r) => (r.body as { code: string }).code);
      expect(codes).not.toContain('MEMBER_IN_OTHER_APPLICATION');
      expect(await memberships()).toHaveLength(3);
      expect(await getApplication(t, applicant.token, ready.id)).toMatchObject({
        status: 'community_review',
        version: ready.version + 1,
      });
    });

    it('resubmits an application returned for more materials to the same level, its members still live', async () => {
      const ready = await submittable(t, applicant.token, family());
      expect((await submit(ready.id)).status).toBe(200);
      const reviewer = await createStaff(t, admin, 'community_reviewer', community, '赵社区');
      const returned = await returnForMaterials(t, { ...reviewer, name: '赵社区' }, ready.id);
      expect(returned).toMatchObject({ status: 'returned', level: 'community', dueAt: null });
      expect(await memberships()).toHaveLength(3);

      await setClock(t, admin, '2025-09-26T10:00:00+08:00');
      const res = await submit(ready.id);
      expect({ status: res.status, code: (res.body as { code?: string }).code }).toEqual({
        status: 200,
        code: undefined,
      });
      expect(res.body).toMatchObject({
        status: 'community_review',
        level: 'community',
        // The level's deadline starts again from the resubmission.
        dueAt: '2025-10-11T00:00:00+08:00',
      });
      expect(await memberships()).toHaveLength(3);
    });

    it('answers a replay with the same Idempotency-Key with the first answer', async () => {
      const ready = await submittable(t, applicant.token, family());
      const send = () => submit(ready.id).set('idempotency-key', 'submit-once-1');
      const first = await send();
      expect(first.status).toBe(200);
      const replay = await unchanged(() => send());
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      expectError(await unchanged(() => submit(ready.id)), 409, 'INVALID_STATE');
    });

    it('refuses a second submission with 409', async () => {
      const ready = await submittable(t, applicant.token, family());
      expect((await submit(ready.id)).status).toBe(200);
      expectError(await unchanged(() => submit(ready.id)), 409, 'INVALID_STATE');
      expect(await getApplication(t, applicant.token, ready.id)).toMatchObject({
        status: 'community_review',
        version: ready.version + 1,
      });
    });

    it('answers 403 to a reviewer and to an administrator', async () => {
      const ready = await submittable(t, applicant.token, family());
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      for (const token of [reviewer.token, admin]) {
        expectError(await unchanged(() => submit(ready.id, token)), 403, 'FORBIDDEN');
      }
      expect(await statusOf(ready.id)).toBe('draft');
    });

    it('answers 404 to another applicant, and for an unknown id', async () => {
      const ready = await submittable(t, applicant.token, family());
      const intruder = await createApplicant(t);
      expectError(await unchanged(() => submit(ready.id, intruder.token)), 404, 'NOT_FOUND');
      expectError(await unchanged(() => submit(NO_SUCH_ID)), 404, 'NOT_FOUND');
      expect(await statusOf(ready.id)).toBe('draft');
    });
  });

  describe('POST /api/applications/:id/withdraw', () => {
    it('withdraws a submitted application and frees its members to apply again', async () => {
      const first = await submittable(t, applicant.token, family());
      expect((await submit(first.id)).status).toBe(200);
      const res = await withdraw(first.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: first.id,
        status: 'withdrawn',
        level: null,
        dueAt: null,
        version: first.version + 2,
      });
      expect(await memberships()).toEqual([]);

      const again = withApplicantId(family(), first.members[0].idNumber);
      const second = await submittable(t, applicant.token, again);
      expect(second.eligibility.eligible).toBe(true);
      expect((await submit(second.id)).status).toBe(200);
    });

    it('refuses to submit a withdrawn application again', async () => {
      const ready = await submittable(t, applicant.token, family());
      expect((await submit(ready.id)).status).toBe(200);
      expect((await withdraw(ready.id)).status).toBe(200);
      expectError(await unchanged(() => submit(ready.id)), 409, 'INVALID_STATE');
      expectError(await unchanged(() => withdraw(ready.id)), 409, 'INVALID_STATE');
    });

    it('refuses to withdraw a draft with 409 INVALID_STATE', async () => {
      const draft = await createDraft(t, applicant.token, family());
      expectError(await unchanged(() => withdraw(draft.id)), 409, 'INVALID_STATE');
      expect(await statusOf(draft.id)).toBe('draft');
    });

    it('answers 403 to a reviewer and 404 to another applicant, leaving the application live', async () => {
      const ready = await submittable(t, applicant.token, family());
      expect((await submit(ready.id)).status).toBe(200);
      const reviewer = await createStaff(t, admin, 'community_reviewer', community);
      const intruder = await createApplicant(t);
      expectError(await unchanged(() => withdraw(ready.id, reviewer.token)), 403, 'FORBIDDEN');
      expectError(await unchanged(() => withdraw(ready.id, intruder.token)), 404, 'NOT_FOUND');
      expect(await statusOf(ready.id)).toBe('community_review');
      expect(await memberships()).toHaveLength(3);
    });
  });
});
