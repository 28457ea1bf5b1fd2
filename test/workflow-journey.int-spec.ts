import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import {
  decide,
  readyDraft,
  setClock,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

/**
 * One household through the three levels across National Day 2025 (Oct 1–8 off,
 * Sep 28 and Oct 11 worked). Every expected instant is worked out by hand from
 * the official arrangement, not by the code under test.
 */
describe('the three-level review across National Day 2025', () => {
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

  const get = async (id: string, token: string): Promise<Record<string, unknown>> => {
    const res = await t
      .http()
      .get(`/api/applications/${id}`)
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  };

  it('runs from submission to the archive with every deadline and notice end on the right day', async () => {
    const { id, token } = await readyDraft(t, world);

    // Submitted Friday 2025-09-26: day 1 is Sun 09-28 (worked), then 09-29, 09-30, 10-09, 10-10.
    await setClock(t, world.admin, '2025-09-26T10:00:00+08:00');
    const submitted = await t
      .http()
      .post(`/api/applications/${id}/submit`)
      .set('authorization', `Bearer ${token}`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'community_review',
      level: 'community',
      dueAt: '2025-10-11T00:00:00+08:00',
      overdue: false,
    });

    // Approved Sunday 09-28: the notice's 5th day after is 10-03, a holiday; the next working day is 10-09.
    await setClock(t, world.admin, '2025-09-28T15:00:00+08:00');
    const approved = await decide(t, world.community, id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'community_notice',
      level: 'community',
      noticeEndsAt: '2025-10-10T00:00:00+08:00',
      dueAt: null,
    });

    // The notice ends at 00:00 on 10-10; the town receives it on 10-10, its day 1 is Sat 10-11 (worked):
    // 10-11, 13, 14, 15, 16, 17, 20, 21, 22, 23 → due at the end of 10-23.
    await setClock(t, world.admin, '2025-10-10T00:00:00+08:00');
    expect(await get(id, token)).toMatchObject({
      status: 'town_review',
      level: 'town',
      dueAt: '2025-10-24T00:00:00+08:00',
      noticeEndsAt: null,
    });

    // Town approves Mon 10-13: 5 days after is Sat 10-18, the next working day is Mon 10-20.
    await setClock(t, world.admin, '2025-10-13T09:00:00+08:00');
    expect((await decide(t, world.town, id, 'approve')).body).toMatchObject({
      status: 'town_notice',
      noticeEndsAt: '2025-10-21T00:00:00+08:00',
    });

    // The bureau receives it on 10-21: 15 working days 10-22 … 11-11 → due at the end of 11-11.
    await setClock(t, world.admin, '2025-10-21T08:00:00+08:00');
    expect(await get(id, token)).toMatchObject({
      status: 'bureau_review',
      level: 'bureau',
      dueAt: '2025-11-12T00:00:00+08:00',
    });

    // Bureau approves Wed 10-22: 5 days after is Mon 10-27, a working day.
    await setClock(t, world.admin, '2025-10-22T09:00:00+08:00');
    expect((await decide(t, world.bureau, id, 'approve')).body).toMatchObject({
      status: 'bureau_notice',
      noticeEndsAt: '2025-10-28T00:00:00+08:00',
    });

    await setClock(t, world.admin, '2025-10-28T00:00:00+08:00');
    const archived = await get(id, token);
    expect(archived).toMatchObject({ status: 'approved', level: 'bureau', noticeEndsAt: null });
    expect(archived.archiveNo).toMatch(/^T[0-9a-z]+-2025-000001$/);

    const history: { type: string; to: string; at: string }[] = (
      await t
        .http()
        .get(`/api/applications/${id}/history`)
        .set('authorization', `Bearer ${token}`)
        .expect(200)
    ).body;
    expect(history.map((e) => `${e.type}:${e.to}`)).toEqual([
      'submit:community_review',
      'approve:community_notice',
      'notice_end:town_review',
      'approve:town_notice',
      'notice_end:bureau_review',
      'approve:bureau_notice',
      'notice_end:approved',
    ]);
    expect(history[1]).toMatchObject({
      signature: '赵社区',
      opinion: '经调查核实',
      actor: { name: '赵社区', role: 'community_reviewer' },
    });
    expect(history[2].at).toBe('2025-10-10T00:00:00+08:00');
    const verify = await t
      .http()
      .get(`/api/applications/${id}/history/verify`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(verify.body).toEqual({ valid: true, length: 7 });

    // The history is append-only in the database too.
    await expect(
      t.db.query(`DELETE FROM application_history WHERE application_id = $1 AND seq = 7`, [id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      t.db.query(`UPDATE application_history SET opinion = '不属实' WHERE application_id = $1`, [
        id,
      ]),
    ).rejects.toThrow(/append-only/);
    // Someone able to lift that (the database's owner) and cut the last two entries off:
    // the chain alone still verifies, the head recorded on the application does not.
    await t.db.query(
      `ALTER TABLE application_history DISABLE TRIGGER application_history_append_only`,
    );
    try {
      await t.db.query(`DELETE FROM application_history WHERE application_id = $1 AND seq > 5`, [
        id,
      ]);
    } finally {
      await t.db.query(
        `ALTER TABLE application_history ENABLE TRIGGER application_history_append_only`,
      );
    }
    const cut = await t
      .http()
      .get(`/api/applications/${id}/history/verify`)
      .set('authorization', `Bearer ${token}`)
      .expect(200);
    expect(cut.body).toEqual({
      valid: false,
      length: 5,
      firstBrokenSeq: 6,
      reason: 'HEAD_MISMATCH',
    });
  });
});
