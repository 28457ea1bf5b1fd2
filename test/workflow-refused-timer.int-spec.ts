import { TransitionQueue } from '@app/workflow';
import { setClock } from './factories/applications.factory';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import { draftIn, workflowWorld } from './support/workflow-fixture';

/**
 * A timer whose firing is refused (here: a notice end for an application that
 * is no notice; in the field, a next deadline in a year the official calendar
 * does not cover yet) stays pending, and moving the manual clock still
 * returns: it used to retry that timer forever.
 */
describe('a refused timer under the manual clock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  /** A notice end due before the clock's next move, for a draft: no notice runs, so it is refused. */
  const refusedTimer = (id: string, applicationId: string) =>
    t.db.query(
      `INSERT INTO timers (id, application_id, kind, level, due_at)
       VALUES ($1, $2, 'notice_end', 'community', '2025-09-01T10:00:00+08:00')`,
      [id, applicationId],
    );

  it('is left pending and the clock moves on', async () => {
    const world = await workflowWorld(t);
    const { draft } = await draftIn(t, world);
    await refusedTimer('notice_end-refused', draft.id);

    await setClock(t, world.admin, '2025-09-02T09:00:00+08:00');

    const [timer]: { fired_at: Date | null }[] = await t.db.query(
      `SELECT fired_at FROM timers WHERE id = 'notice_end-refused'`,
    );
    expect(timer.fired_at).toBeNull();
    const [app]: { status: string }[] = await t.db.query(
      `SELECT status FROM applications WHERE id = $1`,
      [draft.id],
    );
    expect(app.status).toBe('draft');
  }, 30_000);

  it('answers a batch of timer jobs in order, a recorded one without queueing it again', async () => {
    const world = await workflowWorld(t);
    const { draft } = await draftIn(t, world);
    await refusedTimer('notice_end-batch-refused', draft.id);
    await t.db.query(
      `INSERT INTO command_results (job_id, application_id, status_code, body)
       VALUES ('notice_end-batch-answered', $1, 200, '{}')`,
      [draft.id],
    );
    await setClock(t, world.admin, '2025-09-02T09:00:00+08:00');
    const queue = t.app.get(TransitionQueue);
    const job = (timerId: string) => ({
      name: 'noticeEnd' as const,
      data: { applicationId: draft.id, timerId },
      jobId: timerId,
    });

    const statuses = await queue.runMany([
      job('notice_end-batch-answered'),
      job('notice_end-batch-refused'),
    ]);

    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    expect(await queue.queue.getJob('notice_end-batch-answered')).toBeUndefined();
    expect(await queue.queue.getJob('notice_end-batch-refused')).toBeDefined();
    expect(await queue.runMany([])).toEqual([]);
  }, 30_000);
});
