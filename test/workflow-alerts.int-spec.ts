import { raiseAlert } from './factories/alerts.factory';
import { familyBody } from './factories/applications.factory';
import { createStaff } from './factories/users.factory';
import { bearer, createTestApp, expectError, resetDatabase, TestApp } from './support/test-app';
import {
  readyDraftOf,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

interface AlertItem {
  id: string;
  applicationId: string;
  kind: string;
  toLevel: string;
  acknowledgement: { at: string; by: { id: string; name: string }; note: string } | null;
  acknowledgedNow?: boolean;
}

/**
 * Acknowledging an alert: the town's reviewers take an overdue community review
 * in hand, once, and the list tells the open alerts from the acknowledged ones.
 * The clock starts on Mon 2025-09-01 09:00 +08:00: a submission then is due at
 * the end of Mon 09-08, and is flagged at `2025-09-09T00:00:00+08:00`.
 */
describe('alerts: acknowledgement', () => {
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

  /** A submitted application left past its community deadline: one overdue alert to the town. */
  async function overdueAlert(): Promise<AlertItem> {
    const draft = await readyDraftOf(
      t,
      familyBody(world.campaignId, world.tree.towns[0].communities[0]),
    );
    expect((await submit(t, draft.id, draft.token)).status).toBe(200);
    await setClock(t, world.admin, '2025-09-09T08:30:00+08:00');
    const [alert] = await alertsOf(world.town.token);
    expect(alert).toMatchObject({ applicationId: draft.id, kind: 'overdue', toLevel: 'town' });
    return alert;
  }

  const alertsOf = async (token: string, query: Record<string, string> = {}) => {
    const res = await t.http().get('/api/alerts').query(query).set(bearer(token));
    expect(res.status).toBe(200);
    return res.body as AlertItem[];
  };

  const acknowledge = (
    token: string,
    id: string,
    body: Record<string, unknown> = { note: '已督办' },
  ) => t.http().post(`/api/alerts/${id}/acknowledgement`).set(bearer(token)).send(body);

  const acknowledgementRecords = () =>
    t.db.query<{ actor_role: string; target_type: string; target_id: string; detail: object }[]>(
      `SELECT actor_role, target_type, target_id, detail FROM audit_log
        WHERE action = 'alert.acknowledged' ORDER BY id`,
    );

  it('is acknowledged once by a reviewer it was raised to, and leaves the open list', async () => {
    const alert = await overdueAlert();
    expect(alert.acknowledgement).toBeNull();
    expect(await alertsOf(world.town.token, { acknowledged: 'false' })).toHaveLength(1);
    expect(await alertsOf(world.town.token, { acknowledged: 'true' })).toEqual([]);

    await setClock(t, world.admin, '2025-09-09T10:15:00+08:00');
    const res = await acknowledge(world.town.token, alert.id, {
      note: '已电话督办，明日完成审核。',
    });
    expect(res.status).toBe(200);
    const first = {
      at: '2025-09-09T10:15:00+08:00',
      by: { id: expect.any(String), name: '孙镇' },
      note: '已电话督办，明日完成审核。',
    };
    expect(res.body).toMatchObject({ id: alert.id, acknowledgement: first, acknowledgedNow: true });

    expect(await alertsOf(world.town.token, { acknowledged: 'false' })).toEqual([]);
    expect(await alertsOf(world.town.token, { acknowledged: 'true' })).toEqual([
      expect.objectContaining({ id: alert.id, acknowledgement: first }),
    ]);

    // The same reviewer's retry answers the same; a colleague a moment later is told it is taken.
    await setClock(t, world.admin, '2025-09-09T10:20:00+08:00');
    const retry = await acknowledge(world.town.token, alert.id, {
      note: '已电话督办，明日完成审核。',
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ acknowledgement: first, acknowledgedNow: false });
    const colleague = await createStaff(t, world.admin, 'town_reviewer', world.tree.towns[0].id);
    const taken = await acknowledge(colleague.token, alert.id, { note: '我来处理' });
    expectError(taken, 409, 'ALERT_ALREADY_ACKNOWLEDGED');
    expect((await alertsOf(colleague.token))[0].acknowledgement).toEqual(first);

    expect(await acknowledgementRecords()).toEqual([
      {
        actor_role: 'town_reviewer',
        target_type: 'alert',
        target_id: alert.id,
        detail: { kind: 'overdue', level: 'community', acknowledgedNow: true },
      },
      {
        actor_role: 'town_reviewer',
        target_type: 'alert',
        target_id: alert.id,
        detail: { kind: 'overdue', level: 'community', acknowledgedNow: false },
      },
    ]);
    // The note is free text: it stays with the alert, not in the audit trail.
    expect(JSON.stringify(await acknowledgementRecords())).not.toContain('督办');
  });

  it('cannot be acknowledged from outside the level and region it was raised to', async () => {
    const alert = await overdueAlert();
    const otherTown = await createStaff(t, world.admin, 'town_reviewer', world.tree.towns[1].id);

    expectError(await acknowledge(otherTown.token, alert.id), 404, 'NOT_FOUND');
    // The bureau is not the level this alert was raised to.
    expectError(await acknowledge(world.bureau.token, alert.id), 404, 'NOT_FOUND');
    // No alert is ever raised to a community.
    expectError(await acknowledge(world.community.token, alert.id), 403, 'FORBIDDEN');

    const [row] = await t.db.query<{ acknowledged_at: Date | null }[]>(
      `SELECT acknowledged_at FROM alerts WHERE id = $1`,
      [alert.id],
    );
    expect(row.acknowledged_at).toBeNull();
    expect(await acknowledgementRecords()).toEqual([]);

    // An administrator sees it but leaves it to the town: it was not raised to them.
    expect((await alertsOf(world.admin)).map((a) => a.id)).toContain(alert.id);
    expectError(await acknowledge(world.admin, alert.id), 404, 'NOT_FOUND');
  });

  it('is acknowledged by an administrator when it was raised to the administrators (a refused timer)', async () => {
    const alert = await overdueAlert();
    const id = await raiseAlert(t, alert.applicationId, 'timer_refused');
    expectError(await acknowledge(world.town.token, id), 404, 'NOT_FOUND');
    const res = await acknowledge(world.admin, id, { note: '已补录2027年放假安排' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      kind: 'timer_refused',
      acknowledgement: { by: { name: expect.any(String) }, note: '已补录2027年放假安排' },
      acknowledgedNow: true,
    });
    expect(await alertsOf(world.admin, { acknowledged: 'false' })).toEqual([
      expect.objectContaining({ id: alert.id }),
    ]);
  });

  it('refuses a malformed acknowledgement or filter and changes nothing', async () => {
    const alert = await overdueAlert();
    expectError(
      await acknowledge(world.town.token, alert.id, { note: '长'.repeat(501) }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await acknowledge(world.town.token, alert.id, { note: '已督办', handled: true }),
      400,
      'VALIDATION_FAILED',
    );
    // A note is the acknowledgement's point: what was done.
    expectError(await acknowledge(world.town.token, alert.id, {}), 400, 'VALIDATION_FAILED');
    expectError(
      await acknowledge(world.town.token, alert.id, { note: '' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await acknowledge(world.town.token, 'not-a-uuid'), 400, 'VALIDATION_FAILED');
    expectError(
      await acknowledge(world.town.token, '00000000-0000-4000-8000-000000000000'),
      404,
      'NOT_FOUND',
    );
    const filter = await t
      .http()
      .get('/api/alerts?acknowledged=maybe')
      .set(bearer(world.town.token));
    expectError(filter, 400, 'VALIDATION_FAILED');

    expectError(
      await acknowledge(world.town.token, alert.id, { note: '已督办\u0007' }),
      400,
      'VALIDATION_FAILED',
    );

    expect((await alertsOf(world.town.token))[0].acknowledgement).toBeNull();
    expect(await acknowledgementRecords()).toEqual([]);

    // The longest note there is.
    const res = await acknowledge(world.town.token, alert.id, { note: '长'.repeat(500) });
    expect(res.status).toBe(200);
  });

  // Two at once: one is the acknowledgement, the other is told so. (Sent together, they
  // may still reach the database one after the other; either way the answer is the same.)
  it('answers two acknowledgements at once with one acknowledger', async () => {
    const alert = await overdueAlert();
    const colleague = await createStaff(t, world.admin, 'town_reviewer', world.tree.towns[0].id);
    const answers = await Promise.all([
      acknowledge(world.town.token, alert.id),
      acknowledge(colleague.token, alert.id),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const [won] = answers.filter((a) => a.status === 200);
    expect(won.body).toMatchObject({ acknowledgedNow: true });
    expect((await acknowledgementRecords()).map((r) => r.detail)).toEqual([
      { kind: 'overdue', level: 'community', acknowledgedNow: true },
    ]);
  });
});
