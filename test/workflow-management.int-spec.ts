import { Clock, ManualClock } from '@app/clock';
import { TransitionQueue } from '@app/workflow';
import { familyBody } from './factories/applications.factory';
import { createStaff } from './factories/users.factory';
import { bearer, createTestApp, expectError, resetDatabase, TestApp } from './support/test-app';
import {
  approveThroughAllLevels,
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

/**
 * Deadlines and alerts, withdrawal, dynamic management after approval
 * (revocation, recorded changes, archive numbers) and the history chain.
 * The clock starts on Mon 2025-09-01 09:00 +08:00: a submission then is due at
 * the end of its 5th working day, Mon 09-08 (`2025-09-09T00:00:00+08:00`).
 */
describe('deadlines, withdrawal, dynamic management and the history chain', () => {
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

  const DUE = '2025-09-09T00:00:00+08:00';
  const community = () => world.tree.towns[0].communities[0];

  async function submitted(body = familyBody(world.campaignId, community())) {
    const draft = await readyDraftOf(t, body);
    const res = await submit(t, draft.id, draft.token);
    expect(res.status).toBe(200);
    return { ...draft, body };
  }

  /** A household through the three levels and notices, as in the journey test: approved. */
  async function approved() {
    const app = await submitted();
    await approveThroughAllLevels(t, world, [app.id]);
    expect(await getApplication(t, app.id, app.token)).toMatchObject({ status: 'approved' });
    return app;
  }

  const alertsOf = async (token: string) => {
    const res = await t.http().get('/api/alerts').set(bearer(token));
    expect(res.status).toBe(200);
    return res.body as { applicationId: string; level: string; toLevel: string; kind: string }[];
  };

  const signed = (reviewer: Reviewer, path: string, id: string, opinion = '经复核') =>
    t
      .http()
      .post(`/api/applications/${id}/${path}`)
      .set(bearer(reviewer.token))
      .send({ opinion, signature: reviewer.name });

  const memberships = async (id: string) =>
    (
      await t.db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM live_memberships WHERE application_id = $1`,
        [id],
      )
    )[0].n;

  /** The same people apply again in the campaign: accepted only if the first application let them go. */
  async function reapply(body: ReturnType<typeof familyBody>) {
    const again = await readyDraftOf(t, body);
    expect((await getApplication(t, again.id, again.token)).eligibility).toEqual({
      eligible: true,
      reasons: [],
    });
    const res = await submit(t, again.id, again.token);
    expect(res.status).toBe(200);
  }

  describe('review deadline', () => {
    it('flags an application overdue when its deadline passes, alerts the town, and still accepts the decision', async () => {
      const { id, token } = await submitted();
      expect(await getApplication(t, id, token)).toMatchObject({ dueAt: DUE, overdue: false });

      await setClock(t, world.admin, '2025-09-08T23:59:59+08:00');
      expect(await getApplication(t, id, token)).toMatchObject({ overdue: false });
      expect(await alertsOf(world.town.token)).toEqual([]);

      await setClock(t, world.admin, DUE);
      expect(await getApplication(t, id, token)).toMatchObject({
        status: 'community_review',
        level: 'community',
        dueAt: DUE,
        overdue: true,
      });
      expect((await historyOf(t, id, token)).map((e) => `${e.type}:${e.from}->${e.to}`)).toEqual([
        'submit:draft->community_review',
        'review_overdue:community_review->community_review',
      ]);
      expect((await historyOf(t, id, token))[1]).toMatchObject({
        at: DUE,
        actor: { id: null, role: 'system' },
      });

      expect(await alertsOf(world.town.token)).toEqual([
        expect.objectContaining({
          applicationId: id,
          kind: 'overdue',
          level: 'community',
          toLevel: 'town',
        }),
      ]);
      expect(await alertsOf(world.community.token)).toEqual([]);
      expect(await alertsOf(world.bureau.token)).toEqual([]);
      const otherTown = await createStaff(
        t,
        world.admin,
        'town_reviewer',
        world.tree.towns[1].id,
        '周镇',
      );
      expect(await alertsOf(otherTown.token)).toEqual([]);

      await setClock(t, world.admin, '2025-09-10T10:00:00+08:00');
      const late = await decide(t, world.community, id, 'approve');
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({ status: 'community_notice', dueAt: null, overdue: false });
    });

    /** The clock moved as a worker that missed the move sees it: no timer fired on the way. */
    async function clockMovedWithoutTimers(now: string): Promise<void> {
      await t.db.query(`UPDATE manual_clock SET now = $1 WHERE id = 1`, [now]);
      await t.app.get<Clock, ManualClock>(Clock).load();
    }

    it('flags the lateness first when a decision is asked after the deadline, before its timer fired', async () => {
      const { id, token } = await submitted();
      // The deadline passed while its timer did not fire (a backlog, a worker restarting).
      await clockMovedWithoutTimers('2025-09-09T10:00:00+08:00');

      const res = await decide(t, world.community, id, 'approve');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'community_notice', overdue: false });
      const history = await historyOf(t, id, token);
      expect(history.map((e) => `${e.type}:${e.from}->${e.to}@${e.at}`)).toEqual([
        'submit:draft->community_review@2025-09-01T09:00:00+08:00',
        `review_overdue:community_review->community_review@${DUE}`,
        'approve:community_review->community_notice@2025-09-09T10:00:00+08:00',
      ]);
      expect(await alertsOf(world.town.token)).toEqual([
        expect.objectContaining({ applicationId: id, kind: 'overdue', level: 'community' }),
      ]);
      // The deadline's own job answers what was recorded under its id, and fires nothing again.
      const [timer] = await t.db.query<{ id: string; fired_at: Date | null }[]>(
        `SELECT id, fired_at FROM timers WHERE application_id = $1 AND kind = 'review_deadline'`,
        [id],
      );
      expect(timer.fired_at).not.toBeNull();
      const again = await t.app.get(TransitionQueue).runMany([
        {
          name: 'reviewDeadline',
          data: { applicationId: id, timerId: timer.id },
          jobId: timer.id,
        },
      ]);
      expect(again).toEqual([200]);
      expect(await historyOf(t, id, token)).toHaveLength(3);
      expect(await alertsOf(world.town.token)).toHaveLength(1);
    });

    it('judges a decision asked before the deadline on time, however late its job is applied', async () => {
      const { id, token } = await submitted();
      const [reviewer] = await t.db.query<{ id: string; path: string }[]>(
        `SELECT u.id, r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.name = $1`,
        [world.community.name],
      );
      await clockMovedWithoutTimers('2025-09-09T00:10:00+08:00');
      // Asked at 23:50 on the last day; its job applied twenty minutes later.
      const outcome = await t.app.get(TransitionQueue).run(
        'decide',
        {
          applicationId: id,
          actor: {
            userId: reviewer.id,
            role: 'community_reviewer',
            name: world.community.name,
            regionPath: reviewer.path,
            askedAt: '2025-09-08T15:50:00.000Z',
          },
          decision: 'approve',
          opinion: '经调查核实',
          signature: world.community.name,
        },
        TransitionQueue.commandJob('decide', reviewer.id, id),
      );
      expect(outcome.statusCode).toBe(200);
      expect((await historyOf(t, id, token)).map((e) => e.type)).toEqual(['submit', 'approve']);
      expect(await alertsOf(world.town.token)).toEqual([]);
    });
  });

  describe('withdrawal', () => {
    it('withdraws from community review: withdrawn, no deadline, the members released', async () => {
      const { id, token, body } = await submitted();

      const res = await t.http().post(`/api/applications/${id}/withdraw`).set(bearer(token));

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', level: null, dueAt: null });
      expect(await memberships(id)).toBe('0');
      expect((await historyOf(t, id, token)).map((e) => `${e.type}:${e.to}`)).toEqual([
        'submit:community_review',
        'withdraw:withdrawn',
      ]);
      // Its deadline was cancelled: passing it changes nothing.
      await setClock(t, world.admin, DUE);
      expect(await historyOf(t, id, token)).toHaveLength(2);
      expect(await alertsOf(world.town.token)).toEqual([]);
      await reapply(body);
    });

    it('refuses to withdraw a draft with 409 INVALID_STATE', async () => {
      const { id, token } = await readyDraftOf(t, familyBody(world.campaignId, community()));

      const res = await t.http().post(`/api/applications/${id}/withdraw`).set(bearer(token));

      expectError(res, 409, 'INVALID_STATE');
      expect(await getApplication(t, id, token)).toMatchObject({ status: 'draft', version: 1 });
    });
  });

  describe('after approval', () => {
    it('lets the bureau reviewer revoke an approved household: revoked, history revoke, members released', async () => {
      const { id, token, body } = await approved();

      const res = await signed(world.bureau, 'revocation', id, '经复核，该户已购买商品住房');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'revoked', level: 'bureau' });
      expect((await historyOf(t, id, token)).at(-1)).toMatchObject({
        type: 'revoke',
        from: 'approved',
        to: 'revoked',
        opinion: '经复核，该户已购买商品住房',
        signature: world.bureau.name,
        actor: { name: world.bureau.name, role: 'bureau_reviewer' },
      });
      expect(await memberships(id)).toBe('0');
      await reapply(body);
    });

    it('forbids a town reviewer to revoke (403)', async () => {
      const { id, token } = await approved();

      expectError(await signed(world.town, 'revocation', id), 403, 'FORBIDDEN');
      expect((await getApplication(t, id, token)).status).toBe('approved');
    });

    it('refuses to revoke an application that is not approved with 409 INVALID_STATE', async () => {
      const { id, token } = await submitted();

      expectError(await signed(world.bureau, 'revocation', id), 409, 'INVALID_STATE');
      expect((await getApplication(t, id, token)).status).toBe('community_review');
      expect(await historyOf(t, id, token)).toHaveLength(1);
    });

    it('records a change of circumstances: 200, still approved, a record_change entry', async () => {
      const { id, token } = await approved();
      const before = await historyOf(t, id, token);

      const res = await signed(world.bureau, 'changes', id, '该户子女已就业，收入情况变更');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'approved', level: 'bureau' });
      const after = await historyOf(t, id, token);
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toMatchObject({
        type: 'record_change',
        from: 'approved',
        to: 'approved',
        opinion: '该户子女已就业，收入情况变更',
        signature: world.bureau.name,
      });
      expect((await getApplication(t, id, token)).archiveNo).toBe(
        (res.body as { archiveNo: string }).archiveNo,
      );
    });

    it('gives two approved households of the county distinct, consecutive archive numbers', async () => {
      const a = await submitted();
      const b = await submitted();
      await approveThroughAllLevels(t, world, [a.id, b.id]);

      const [county]: { code: string }[] = await t.db.query(
        `SELECT code FROM regions WHERE id = $1`,
        [world.tree.countyId],
      );
      const numbers = [
        (await getApplication(t, a.id, a.token)).archiveNo,
        (await getApplication(t, b.id, b.token)).archiveNo,
      ];
      expect([...numbers].sort()).toEqual([
        `${county.code}-2025-000001`,
        `${county.code}-2025-000002`,
      ]);
    });
  });

  describe('the history chain', () => {
    /** submit, approve, notice_end: three entries. */
    async function threeEntries() {
      const app = await submitted();
      expect((await decide(t, world.community, app.id, 'approve')).status).toBe(200);
      await setClock(t, world.admin, DUE);
      expect(await historyOf(t, app.id, app.token)).toHaveLength(3);
      return app;
    }

    const verify = async (id: string, token: string) => {
      const res = await t.http().get(`/api/applications/${id}/history/verify`).set(bearer(token));
      expect(res.status).toBe(200);
      return res.body as Record<string, unknown>;
    };

    it('verifies an untouched chain, each entry linked to the one before', async () => {
      const { id, token } = await threeEntries();

      expect(await verify(id, token)).toEqual({ valid: true, length: 3 });
      const history = await historyOf(t, id, token);
      expect(history.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(history[0].prevHash).toBe('0'.repeat(64));
      expect(history[1].prevHash).toBe(history[0].hash);
      expect(history[2].prevHash).toBe(history[1].hash);
    });

    /**
     * Tampering as only the database's owner could: the history is append-only
     * (a trigger refuses UPDATE and DELETE), so the trigger is lifted around it.
     */
    async function asDatabaseOwner(sql: string, params: unknown[]): Promise<void> {
      await expect(t.db.query(sql, params)).rejects.toThrow(/append-only/);
      const trigger = 'application_history_append_only';
      await t.db.query(`ALTER TABLE application_history DISABLE TRIGGER ${trigger}`);
      try {
        await t.db.query(sql, params);
      } finally {
        await t.db.query(`ALTER TABLE application_history ENABLE TRIGGER ${trigger}`);
      }
    }

    it('reports an edited opinion as the first broken entry', async () => {
      const { id, token } = await threeEntries();

      await asDatabaseOwner(
        `UPDATE application_history SET opinion = 'x' WHERE application_id = $1 AND seq = 2`,
        [id],
      );

      expect(await verify(id, token)).toEqual({
        valid: false,
        length: 3,
        firstBrokenSeq: 2,
        reason: 'HASH_MISMATCH',
      });
    });

    it('reports a deleted entry where it is missing', async () => {
      const { id, token } = await threeEntries();

      await asDatabaseOwner(
        `DELETE FROM application_history WHERE application_id = $1 AND seq = 2`,
        [id],
      );

      expect(await verify(id, token)).toEqual({
        valid: false,
        length: 2,
        firstBrokenSeq: 2,
        reason: 'SEQ_OUT_OF_ORDER',
      });
    });

    it('answers 404 for the history of another applicant’s application', async () => {
      const { id } = await submitted();
      const stranger = await readyDraftOf(t, familyBody(world.campaignId, community()));

      for (const path of ['history', 'history/verify']) {
        const res = await t
          .http()
          .get(`/api/applications/${id}/${path}`)
          .set(bearer(stranger.token));
        expectError(res, 404, 'NOT_FOUND');
      }
      // The reviewer of a sibling community cannot read it either.
      const res = await t
        .http()
        .get(`/api/applications/${id}/history`)
        .set(bearer(world.otherCommunity.token));
      expectError(res, 404, 'NOT_FOUND');
    });
  });
});
