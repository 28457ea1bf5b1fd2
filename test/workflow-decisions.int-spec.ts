import { TransitionQueue } from '@app/workflow';
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
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

/**
 * Reviewers' decisions (api.md "Review"): who may decide, what each decision
 * does, corrections with their before/after, and Idempotency-Key replays.
 * The clock starts on Mon 2025-09-01 09:00 +08:00, the campaign's opening day.
 */
describe('review decisions', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    world = await workflowWorld(t);
  });

  const community = () => world.tree.towns[0].communities[0];

  /** A household submitted now (community_review); returns its id, the applicant's token and its body. */
  async function submitted(body = familyBody(world.campaignId, community())) {
    const draft = await readyDraftOf(t, body);
    const res = await submit(t, draft.id, draft.token);
    expect(res.status).toBe(200);
    return { ...draft, body };
  }

  /** What must not move when a decision is refused: the row's version and status, the history, the notices. */
  async function snapshot(id: string, token: string) {
    const app = await getApplication(t, id, token);
    return {
      status: app.status,
      version: app.version,
      history: (await historyOf(t, id, token)).length,
      rows: await countRows(t, ['application_history', 'notices', 'timers', 'live_memberships']),
    };
  }

  it('leaves no personal data in Redis: a finished job keeps its status code, the answer stays in PostgreSQL', async () => {
    const body = familyBody(world.campaignId, community());
    const { id, token } = await readyDraftOf(t, body);
    const submission = await submit(t, id, token);
    expect(submission.status).toBe(200);
    expect(submission.body).toEqual(await getApplication(t, id, token));
    const res = await decide(t, world.community, id, 'approve');
    expect(res.status).toBe(200);
    // The caller still gets the whole application, read from command_results.
    expect((res.body as { members: { name: string }[] }).members[0].name).toBe(
      body.members[0].name,
    );
    // Built from the locked row and this transition's changes, it is what a read now shows.
    expect(res.body).toEqual(await getApplication(t, id, world.community.token));
    const completed = await t.app.get(TransitionQueue).queue.getCompleted();
    const ofThis = completed.filter(
      (job) => (job.data as { applicationId?: string }).applicationId === id,
    );
    expect(ofThis.map((job) => job.name).sort()).toEqual(['decide', 'submit']);
    for (const job of ofThis) expect(job.returnvalue).toEqual({ statusCode: 200 });
  });

  describe('who may decide', () => {
    it('refuses a signature other than the reviewer’s registered name with 422 SIGNATURE_MISMATCH and changes nothing', async () => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);

      const res = await decide(t, world.community, id, 'approve', { signature: '赵社区长' });

      expectError(res, 422, 'SIGNATURE_MISMATCH');
      expect(await snapshot(id, token)).toEqual(before);
      expect(before).toMatchObject({ status: 'community_review', history: 1 });
    });

    it('refuses a decision without an opinion with 400', async () => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);

      const res = await t
        .http()
        .post(`/api/applications/${id}/decisions`)
        .set(bearer(world.community.token))
        .send({ decision: 'approve', signature: world.community.name });

      const details = expectError(res, 400, 'VALIDATION_FAILED');
      expect(details.map((d) => d.field)).toContain('opinion');
      expect(await snapshot(id, token)).toEqual(before);
    });

    it('refuses a town reviewer while the application is at community with 409 WRONG_LEVEL', async () => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);

      expectError(await decide(t, world.town, id, 'approve'), 409, 'WRONG_LEVEL');
      expect(await snapshot(id, token)).toEqual(before);
    });

    it('refuses the community reviewer a second decision after approving with 409 ALREADY_DECIDED', async () => {
      const { id, token } = await submitted();
      expect((await decide(t, world.community, id, 'approve')).status).toBe(200);
      const before = await snapshot(id, token);

      expectError(await decide(t, world.community, id, 'reject'), 409, 'ALREADY_DECIDED');
      expect(await snapshot(id, token)).toEqual({ ...before, status: 'community_notice' });
    });

    it('answers 404 to the reviewer of a sibling community', async () => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);

      expectError(await decide(t, world.otherCommunity, id, 'approve'), 404, 'NOT_FOUND');
      expect(await snapshot(id, token)).toEqual(before);
    });

    it('forbids an applicant to decide, even on their own application (403)', async () => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);

      const res = await decide(t, { token, name: '申请人' }, id, 'approve');

      expectError(res, 403, 'FORBIDDEN');
      expect(await snapshot(id, token)).toEqual(before);
    });
  });

  describe('reject and return', () => {
    it('rejects for good: status rejected at community, a later decision 409, the members free to apply again', async () => {
      const { id, token, body } = await submitted();

      const rejected = await decide(t, world.community, id, 'reject', { opinion: '家庭收入不实' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        level: 'community',
        dueAt: null,
        overdue: false,
      });
      expectError(await decide(t, world.community, id, 'approve'), 409, 'ALREADY_DECIDED');
      expectError(await decide(t, world.town, id, 'approve'), 409, 'WRONG_LEVEL');
      expect((await getApplication(t, id, token)).status).toBe('rejected');

      const history = await historyOf(t, id, token);
      expect(history.map((e) => `${e.type}:${e.from}->${e.to}`)).toEqual([
        'submit:draft->community_review',
        'reject:community_review->rejected',
      ]);
      expect(history[1]).toMatchObject({
        opinion: '家庭收入不实',
        signature: world.community.name,
      });
      expect(
        await t.db.query(`SELECT 1 FROM live_memberships WHERE application_id = $1`, [id]),
      ).toHaveLength(0);

      // The very same three people apply again in the same campaign: nothing holds them.
      const again = await readyDraftOf(t, body, token);
      const view = await getApplication(t, again.id, token);
      expect(view.eligibility).toEqual({ eligible: true, reasons: [] });
      const resubmitted = await submit(t, again.id, token);
      expect(resubmitted.status).toBe(200);
      expect(resubmitted.body).toMatchObject({ status: 'community_review' });
    });

    it('returns for more materials; the applicant changes the declaration and resubmits with a deadline counted from the resubmission day', async () => {
      const { id, token, body } = await submitted();
      // Submitted Mon 09-01: working days 09-02 … 09-08 → due at the end of 09-08.
      expect((await getApplication(t, id, token)).dueAt).toBe('2025-09-09T00:00:00+08:00');

      await setClock(t, world.admin, '2025-09-02T10:00:00+08:00');
      const returned = await decide(t, world.community, id, 'return', {
        opinion: '请补充收入证明',
      });
      expect(returned.status).toBe(200);
      expect(returned.body).toMatchObject({ status: 'returned', level: 'community', dueAt: null });

      // The applicant corrects the husband's income, keeping the property (its materials refer to its id).
      const view = await getApplication(t, id, token);
      const propertyId = (view.properties as { id: string }[])[0].id;
      const changed = {
        ...body,
        members: body.members.map((m, i) => (i === 0 ? { ...m, annualIncome: 12000 } : m)),
        properties: body.properties.map((p) => ({ ...p, id: propertyId })),
      };
      const put = await t.http().put(`/api/applications/${id}`).set(bearer(token)).send(changed);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ status: 'returned', householdIncome: 18000 });

      // Past the first round's deadline while returned: its timer was cancelled, nothing fires.
      // Resubmitted Tue 09-30: day 1 is Thu 10-09 (10-01…10-08 off), then 10-10, Sat 10-11 (worked),
      // 10-13, 10-14 → due at the end of 10-14.
      await setClock(t, world.admin, '2025-09-30T16:00:00+08:00');
      const resubmitted = await submit(t, id, token);
      expect(resubmitted.status).toBe(200);
      expect(resubmitted.body).toMatchObject({
        status: 'community_review',
        level: 'community',
        dueAt: '2025-10-15T00:00:00+08:00',
        overdue: false,
      });

      const history = await historyOf(t, id, token);
      expect(history.map((e) => `${e.type}:${e.from}->${e.to}`)).toEqual([
        'submit:draft->community_review',
        'return:community_review->returned',
        'resubmit:returned->community_review',
      ]);
      expect(history[1]).toMatchObject({
        opinion: '请补充收入证明',
        at: '2025-09-02T10:00:00+08:00',
      });
      expect(history[2].at).toBe('2025-09-30T16:00:00+08:00');
    });

    it('releases a member taken out of the household while it was returned', async () => {
      const { id, token, body } = await submitted();
      expect((await decide(t, world.community, id, 'return')).status).toBe(200);

      // The son moves to his grandparents' household: the couple alone, 20 m² for 2 persons.
      const propertyId = ((await getApplication(t, id, token)).properties as { id: string }[])[0]
        .id;
      const son = body.members[2];
      const couple = {
        ...body,
        members: body.members.slice(0, 2),
        properties: body.properties.map((p) => ({ ...p, id: propertyId, area: 20 })),
      };
      await t.http().put(`/api/applications/${id}`).set(bearer(token)).send(couple).expect(200);
      expect((await submit(t, id, token)).status).toBe(200);

      // The son is no longer in that application, so another household may list him.
      const other = familyBody(world.campaignId, community());
      other.members[2] = { ...other.members[2], ...son };
      const elsewhere = await readyDraftOf(t, other);
      const view = await getApplication(t, elsewhere.id, elsewhere.token);
      expect(view.eligibility).toEqual({ eligible: true, reasons: [] });
      expect((await submit(t, elsewhere.id, elsewhere.token)).status).toBe(200);
    });
  });

  describe('corrections', () => {
    it('applies corrected income and area: figures and tiers follow, the history keeps before and after', async () => {
      const { id, token, body } = await submitted();
      const before = await getApplication(t, id, token);
      expect(before).toMatchObject({
        householdIncome: 15000,
        perCapitaArea: 10,
        incomeTier: 0.3,
        areaTier: 10,
      });
      const propertyId = (before.properties as { id: string }[])[0].id;
      const husband = body.members[0].idNumber;

      // 21000 + 6000 + 0 = 27000 for 3 → 9000 each, 0.45 of 20000 → tier 0.5; 27 m² for 3 → 9 m² → tier 9.
      const res = await decide(t, world.community, id, 'approve', {
        corrections: {
          members: [{ idNumber: husband, annualIncome: 21000 }],
          properties: [{ id: propertyId, area: 27 }],
        },
      });
      expect(res.status).toBe(200);
      const after = await getApplication(t, id, token);
      expect(after).toMatchObject({
        status: 'community_notice',
        householdIncome: 27000,
        perCapitaIncome: 9000,
        countedArea: 27,
        perCapitaArea: 9,
        incomeTier: 0.5,
        areaTier: 9,
        eligibility: { eligible: true, reasons: [] },
      });
      expect((after.members as { annualIncome: number }[])[0].annualIncome).toBe(21000);
      expect((after.properties as { area: number }[])[0].area).toBe(27);

      const [row]: { household_income_fen: string; income_tier: number; area_tier: number }[] =
        await t.db.query(
          `SELECT household_income_fen, income_tier, area_tier FROM applications WHERE id = $1`,
          [id],
        );
      expect({ ...row, household_income_fen: Number(row.household_income_fen) }).toEqual({
        household_income_fen: 2700000,
        income_tier: 50,
        area_tier: 900,
      });

      const entry = (await historyOf(t, id, token))[1];
      expect(entry.type).toBe('approve');
      expect(entry.corrections).toEqual([
        { field: 'annualIncome', memberIdNumber: husband, before: 9000, after: 21000 },
        { field: 'area', propertyId, before: 30, after: 27 },
      ]);

      // The public notice shows the corrected figures.
      const board = await t.http().get('/api/public/notices').expect(200);
      expect(board.body.items).toEqual([
        expect.objectContaining({ perCapitaArea: 9, incomeTier: 0.5, persons: 3 }),
      ]);
      const verify = await t
        .http()
        .get(`/api/applications/${id}/history/verify`)
        .set(bearer(token))
        .expect(200);
      expect(verify.body).toEqual({ valid: true, length: 2 });
    });

    it('records a rejection on corrected figures that leave the household above the area limit', async () => {
      const { id, token } = await submitted();
      const propertyId = ((await getApplication(t, id, token)).properties as { id: string }[])[0]
        .id;

      // 36 m² for 3 persons → 12 m² each: no area tier, not eligible.
      const res = await decide(t, world.community, id, 'reject', {
        opinion: '经入户核实，住房面积为36平方米',
        corrections: { properties: [{ id: propertyId, area: 36 }] },
      });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'rejected',
        countedArea: 36,
        perCapitaArea: 12,
        areaTier: null,
        eligibility: {
          eligible: false,
          reasons: [expect.objectContaining({ code: 'AREA_ABOVE_LIMIT' })],
        },
      });
      expect((await historyOf(t, id, token))[1].corrections).toEqual([
        { field: 'area', propertyId, before: 30, after: 36 },
      ]);
    });

    it('refuses a correction naming a member not in the household with 422 UNKNOWN_MEMBER and changes nothing', async () => {
      const { id, token } = await submitted();
      const stranger = familyBody(world.campaignId, community()).members[0].idNumber;
      const before = await snapshot(id, token);
      const figures = await getApplication(t, id, token);

      const res = await decide(t, world.community, id, 'approve', {
        corrections: { members: [{ idNumber: stranger, annualIncome: 1 }] },
      });

      expectError(res, 422, 'UNKNOWN_MEMBER');
      expect(await snapshot(id, token)).toEqual(before);
      expect(await getApplication(t, id, token)).toEqual(figures);
    });
  });

  // Corrections are an object of lists of objects: `[]` is not "no corrections" but a malformed body.
  it.each<[string, unknown]>([
    ['an empty array', []],
    ['an array of corrections', [{ members: [] }]],
    ['a member correction that is an array', { members: [[]] }],
    ['a property correction that is an array', { properties: [[]] }],
  ])(
    'refuses corrections given as %s with 400 VALIDATION_FAILED and changes nothing',
    async (_what, corrections) => {
      const { id, token } = await submitted();
      const before = await snapshot(id, token);
      const res = await decide(t, world.community, id, 'approve', { corrections });
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field: expect.stringMatching(/^corrections/) }),
      );
      expect(await snapshot(id, token)).toEqual(before);
    },
  );

  describe('Idempotency-Key', () => {
    const keyed = (id: string, key: string, body: Record<string, unknown>) =>
      t
        .http()
        .post(`/api/applications/${id}/decisions`)
        .set(bearer(world.community.token))
        .set('idempotency-key', key)
        .send({ opinion: '经调查核实', signature: world.community.name, ...body });

    it('answers a replay of the same decision with the first answer and applies it once', async () => {
      const { id, token } = await submitted();

      const first = await keyed(id, 'decision-1', { decision: 'approve' });
      const replay = await keyed(id, 'decision-1', { decision: 'approve' });

      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'community_notice' });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      const history = await historyOf(t, id, token);
      expect(history.filter((e) => e.type === 'approve')).toHaveLength(1);
      expect(history).toHaveLength(2);
      expect(await countRows(t, ['notices'])).toEqual({ notices: 1 });
    });

    /** The completed job of the keyed decision on `id`, which Redis keeps an hour. */
    async function completedDecision(id: string) {
      const queue = t.app.get(TransitionQueue).queue;
      const jobs = await queue.getCompleted();
      const [job] = jobs.filter((j) => j.name === 'decide' && j.data.applicationId === id);
      expect(job).toBeDefined();
      return job;
    }

    it('answers a replay whose job Redis no longer holds with the first answer, applying nothing', async () => {
      // Completed jobs are kept an hour: a later replay adds the job again, and the
      // worker answers the outcome recorded under its id. The application has moved
      // on meanwhile, to where the same decision could be applied again.
      const { id, token } = await submitted();
      const first = await keyed(id, 'decision-late', { decision: 'return' });
      expect(first.body).toMatchObject({ status: 'returned' });
      expect((await submit(t, id, token)).body).toMatchObject({ status: 'community_review' });
      const job = await completedDecision(id);
      await job.remove();

      const replay = await keyed(id, 'decision-late', { decision: 'return' });

      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      const history = await historyOf(t, id, token);
      expect(history.filter((e) => e.type === 'return')).toHaveLength(1);
      expect((await getApplication(t, id, token)).status).toBe('community_review');
      // The job ran again and answered what was recorded.
      expect(await t.app.get(TransitionQueue).queue.getJobState(job.id!)).toBe('completed');
    });

    it('answers a repeat whose job is still pending with the outcome recorded, without waiting for it', async () => {
      // As when a worker dies after its commit: the job waits to be delivered again.
      const { id } = await submitted();
      const first = await keyed(id, 'decision-pending', { decision: 'approve' });
      const done = await completedDecision(id);
      await done.remove();
      const transitions = t.app.get(TransitionQueue);
      await transitions.queue.add(done.name, done.data, { jobId: done.id, delay: 60_000 });
      const askedRedis = jest.spyOn(transitions, 'retryFailed');

      const repeat = await keyed(id, 'decision-pending', { decision: 'approve' });

      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(first.body);
      expect(askedRedis).not.toHaveBeenCalled();
      expect(await transitions.queue.getJobState(done.id!)).toBe('delayed');
      askedRedis.mockRestore();
      await transitions.queue.remove(done.id!);
    });

    it('answers the first answer to the same key with another body, and does not apply the other body', async () => {
      const { id, token } = await submitted();

      const first = await keyed(id, 'decision-2', { decision: 'approve' });
      const other = await keyed(id, 'decision-2', { decision: 'reject', opinion: '不符合条件' });

      expect(first.status).toBe(200);
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
      expect((await getApplication(t, id, token)).status).toBe('community_notice');
      expect((await historyOf(t, id, token)).map((e) => e.type)).toEqual(['submit', 'approve']);
    });

    it('does not answer a decision on another application with the answer kept for the same key', async () => {
      const a = await submitted();
      const b = await submitted();

      expect((await keyed(a.id, 'same-key', { decision: 'approve' })).status).toBe(200);
      const res = await keyed(b.id, 'same-key', { decision: 'approve' });

      // A key names one request of one caller; POST …/B/decisions is another request than
      // POST …/A/decisions and must be applied to B, not answered with A's view.
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: b.id, status: 'community_notice' });
      expect((await getApplication(t, b.id, b.token)).status).toBe('community_notice');
      expect((await historyOf(t, b.id, b.token)).map((e) => e.type)).toEqual(['submit', 'approve']);
    });
  });

  it('withdraws an application under notice: withdrawn, the notice leaves the public board', async () => {
    const { id, token } = await submitted();
    expect((await decide(t, world.community, id, 'approve')).status).toBe(200);
    const board = await t.http().get('/api/public/notices').expect(200);
    expect(board.body.total).toBe(1);

    const res = await t.http().post(`/api/applications/${id}/withdraw`).set(bearer(token));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'withdrawn', level: null, noticeEndsAt: null });
    expect((await t.http().get('/api/public/notices').expect(200)).body).toEqual({
      items: [],
      total: 0,
    });
    const [notice]: { closed_at: Date | null }[] = await t.db.query(
      `SELECT closed_at FROM notices WHERE application_id = $1`,
      [id],
    );
    expect(notice.closed_at).not.toBeNull();
    expect((await historyOf(t, id, token)).map((e) => `${e.type}:${e.to}`)).toEqual([
      'submit:community_review',
      'approve:community_notice',
      'withdraw:withdrawn',
    ]);
    // The notice's end no longer fires: the clock passing it changes nothing.
    await setClock(t, world.admin, '2025-09-10T00:00:00+08:00');
    expect((await getApplication(t, id, token)).status).toBe('withdrawn');
    expect(await historyOf(t, id, token)).toHaveLength(3);
  });
});
