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
  acknowledgement: { at: string; by: { id: string; name: string }; note: string | null } | null;
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

  const acknowledge = (token: string, id: string, body: Record<string, unknown> = {}) =>
    t.http().post(`/api/alerts/${id}/acknowledgement`).set(bearer(token)).send(body);

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

    // A colleague of the same town a moment later: the first acknowledgement stands.
    const colleague = await createStaff(t, world.admin, 'town_reviewer', world.tree.towns[0].id);
    await setClock(t, world.admin, '2025-09-09T10:20:00+08:00');
    const again = await acknowledge(colleague.token, alert.id, { note: '我来处理' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ acknowledgement: first, acknowledgedNow: false });

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

    // The county's administrator reaches every alert of the county.
    const res = await acknowledge(world.admin, alert.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ acknowledgement: { note: null }, acknowledgedNow: true });
  });

  it('refuses a malformed acknowledgement or filter and changes nothing', async () => {
    const alert = await overdueAlert();
    expectError(
      await acknowledge(world.town.token, alert.id, { note: '长'.repeat(501) }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await acknowledge(world.town.token, alert.id, { handled: true }),
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

    expect((await alertsOf(world.town.token))[0].acknowledgement).toBeNull();
    expect(await acknowledgementRecords()).toEqual([]);
  });

  it('answers two acknowledgements at once with one acknowledger', async () => {
    const alert = await overdueAlert();
    const colleague = await createStaff(t, world.admin, 'town_reviewer', world.tree.towns[0].id);
    const answers = await Promise.all([
      acknowledge(world.town.token, alert.id),
      acknowledge(colleague.token, alert.id),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const bodies = answers.map((a) => a.body as AlertItem);
    expect(bodies.filter((b) => b.acknowledgedNow)).toHaveLength(1);
    expect(bodies[0].acknowledgement).toEqual(bodies[1].acknowledgement);
  });
});
