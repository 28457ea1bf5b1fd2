import { raiseAlert } from './factories/alerts.factory';
import { randomUUID } from 'node:crypto';
import { TransitionEngine } from '@app/workflow';
import { registerApplicant, registrationBody, residentId } from './factories/applicants.factory';
import { familyBody } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff, STAFF_PASSWORD } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  login,
  resetDatabase,
  TestApp,
} from './support/test-app';
import {
  decide,
  readyDraftOf,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from './support/workflow-fixture';

interface AuditRow {
  id: string;
  action: string;
  outcome: string;
  actor_id: string | null;
  actor_role: string | null;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  job_id: string | null;
  detail: Record<string, unknown>;
}

/** Every key a detail may carry: codes, statuses, ids, dates and counts. */
const DETAIL_KEYS = new Set([
  'reason',
  'status',
  'code',
  'method',
  'route',
  'command',
  'from',
  'to',
  'version',
  'historySeq',
  'effectiveAt',
  'trigger',
  'role',
  'regionId',
  'disabled',
  'bootstrap',
  'level',
  'countyId',
  'opensOn',
  'closesOn',
  'change',
  'workday',
  'now',
]);

/** A client address of its own per call, so that no test's failed logins count against another's. */
let clientSerial = 0;
const freshClient = (): string => `198.51.100.${(clientSerial++ % 250) + 1}`;

describe('the audit trail', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Believes X-Forwarded-For from the test client, which stands in for a proxy.
    t = await createTestApp({ TRUST_PROXY: 'loopback', LOGIN_RATE_LIMIT_PER_USERNAME: '5' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
  });

  const rows = (where = 'true', params: unknown[] = []): Promise<AuditRow[]> =>
    t.db.query(
      `SELECT id::text AS id, action, outcome, actor_id, actor_role, target_type, target_id,
              request_id, ip, job_id, detail
         FROM audit_log WHERE ${where} ORDER BY audit_log.id`,
      params,
    );
  const ofAction = (action: string): Promise<AuditRow[]> => rows('action = $1', [action]);
  const newSince = async (mark: string): Promise<AuditRow[]> => rows('id > $1', [mark]);
  const lastId = async (): Promise<string> => {
    const [row]: { id: string }[] = await t.db.query(
      `SELECT coalesce(max(id), 0)::text AS id FROM audit_log`,
    );
    return row.id;
  };
  const userIdOf = async (username: string): Promise<string> => {
    const [row]: { id: string }[] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [
      username,
    ]);
    return row.id;
  };

  describe('logins', () => {
    it('records a successful login once, as the user, with the request id and client address', async () => {
      const applicant = await registerApplicant(t);
      const client = freshClient();
      const mark = await lastId();

      const res = await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', client)
        .set('x-request-id', 'req-login-1')
        .send({ username: applicant.username, password: 'applicant-password-1' })
        .expect(200);

      expect(res.headers['x-request-id']).toBe('req-login-1');
      const records = await newSince(mark);
      expect(records).toEqual([
        expect.objectContaining({
          action: 'auth.login.succeeded',
          outcome: 'succeeded',
          actor_id: applicant.id,
          actor_role: 'applicant',
          target_type: 'user',
          target_id: applicant.id,
          request_id: 'req-login-1',
          ip: client,
          detail: {},
        }),
      ]);
    });

    it('records a failed login once (not also as a denial), naming an existing account by id only', async () => {
      const applicant = await registerApplicant(t);
      const mark = await lastId();

      const res = await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', freshClient())
        .send({ username: applicant.username, password: 'a-wrong-password' });

      expectError(res, 401, 'INVALID_CREDENTIALS');
      const records = await newSince(mark);
      expect(records).toEqual([
        expect.objectContaining({
          action: 'auth.login.failed',
          outcome: 'failed',
          actor_id: null,
          target_type: 'user',
          target_id: applicant.id,
          detail: { reason: 'wrong_password' },
        }),
      ]);
      expect(JSON.stringify(records)).not.toContain('a-wrong-password');
      expect(JSON.stringify(records)).not.toContain(applicant.username);
    });

    it('keeps nothing of what was typed for an unknown account, even a password in the username field', async () => {
      const mark = await lastId();
      const typed = 'My-Secret-Pass-77';

      expectError(
        await t
          .http()
          .post('/api/auth/login')
          .set('x-forwarded-for', freshClient())
          .send({ username: typed, password: 'whatever-else' }),
        401,
        'INVALID_CREDENTIALS',
      );

      const records = await newSince(mark);
      expect(records).toEqual([
        expect.objectContaining({
          action: 'auth.login.failed',
          target_type: null,
          target_id: null,
          detail: { reason: 'unknown_account' },
        }),
      ]);
      expect(JSON.stringify(records)).not.toContain(typed);
      expect(JSON.stringify(records)).not.toContain('whatever-else');
    });

    it('records a disabled account refused at login as a failure of that account', async () => {
      const applicant = await registerApplicant(t);
      await t
        .http()
        .patch(`/api/users/${applicant.id}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      const mark = await lastId();

      await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', freshClient())
        .send({ username: applicant.username, password: 'applicant-password-1' })
        .expect(401);

      expect(await newSince(mark)).toEqual([
        expect.objectContaining({
          action: 'auth.login.failed',
          target_id: applicant.id,
          detail: { reason: 'account_disabled' },
        }),
      ]);
    });
  });

  describe('denials', () => {
    it('records a 401 once, with no actor, the route pattern and the code', async () => {
      const mark = await lastId();

      expectError(await t.http().get('/api/users'), 401, 'UNAUTHENTICATED');

      expect(await newSince(mark)).toEqual([
        expect.objectContaining({
          action: 'access.denied',
          outcome: 'denied',
          actor_id: null,
          actor_role: null,
          detail: { status: 401, code: 'UNAUTHENTICATED', method: 'GET', route: '/api/users' },
        }),
      ]);
    });

    it('records a 403 once, naming the caller', async () => {
      const applicant = await registerApplicant(t);
      const mark = await lastId();

      expectError(
        await t.http().patch(`/api/users/${applicant.id}`).set(bearer(applicant.token)).send({
          disabled: true,
        }),
        403,
        'FORBIDDEN',
      );

      expect(await newSince(mark)).toEqual([
        expect.objectContaining({
          action: 'access.denied',
          actor_id: applicant.id,
          actor_role: 'applicant',
          detail: { status: 403, code: 'FORBIDDEN', method: 'PATCH', route: '/api/users/:id' },
        }),
      ]);
    });

    it('records a login refused by the rate limit (429) once as a denial, and the failures before it once each', async () => {
      const applicant = await registerApplicant(t);
      const client = freshClient();
      const mark = await lastId();
      const attempt = () =>
        t
          .http()
          .post('/api/auth/login')
          .set('x-forwarded-for', client)
          .send({ username: applicant.username, password: 'not-it-at-all' });

      for (let i = 0; i < 5; i++) expectError(await attempt(), 401, 'INVALID_CREDENTIALS');
      expectError(await attempt(), 429, 'RATE_LIMITED');

      const records = await newSince(mark);
      expect(records.map((r) => r.action)).toEqual([
        ...Array<string>(5).fill('auth.login.failed'),
        'access.denied',
      ]);
      expect(records[5]).toMatchObject({
        ip: client,
        detail: { status: 429, code: 'RATE_LIMITED', method: 'POST', route: '/api/auth/login' },
      });
    });

    // README (libs/audit): a 404 is the answer to "absent" and to "outside your
    // region" alike, and many of those checks are a WHERE clause that cannot
    // tell the two apart; recording some of them would be a partial, misleading trail.
    it('does not record a 404 for a region outside the caller jurisdiction', async () => {
      const tree = await createRegionTree(t, admin, 2, 1);
      const reviewer = await createStaff(t, admin, 'town_reviewer', tree.towns[0].id);
      const mark = await lastId();

      expectError(
        await t.http().get(`/api/regions/${tree.towns[1].id}`).set(bearer(reviewer.token)),
        404,
        'NOT_FOUND',
      );

      expect(await newSince(mark)).toEqual([]);
    });

    it('records neither a 400 nor a successful read', async () => {
      const mark = await lastId();
      expectError(
        await t.http().post('/api/users').set(bearer(admin)).send({ role: 'admin' }),
        400,
        'VALIDATION_FAILED',
      );
      await t.http().get('/api/users').set(bearer(admin)).expect(200);
      expect(await newSince(mark)).toEqual([]);
    });
  });

  describe('state changes', () => {
    let world: WorkflowWorld;
    beforeEach(async () => {
      world = await workflowWorld(t);
    });

    const transitionsOf = (applicationId: string): Promise<AuditRow[]> =>
      rows(`action = 'application.transition' AND target_id = $1`, [applicationId]);

    async function submitted(): Promise<{ id: string; token: string }> {
      const draft = await readyDraftOf(
        t,
        familyBody(world.campaignId, world.tree.towns[0].communities[0]),
      );
      await setClock(t, world.admin, '2025-09-26T10:00:00+08:00');
      expect((await submit(t, draft.id, draft.token)).status).toBe(200);
      return draft;
    }

    it('records a submission once, in the transition, under its job id', async () => {
      const { id } = await submitted();

      const records = await transitionsOf(id);
      expect(records).toEqual([
        expect.objectContaining({
          outcome: 'succeeded',
          actor_role: 'applicant',
          target_type: 'application',
          job_id: expect.stringMatching(/^submit-/),
          detail: expect.objectContaining({
            command: 'submit',
            from: 'draft',
            to: 'community_review',
            version: 2,
            trigger: 'command',
          }),
        }),
      ]);
      const [result]: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM command_results WHERE job_id = $1`,
        [records[0].job_id],
      );
      expect(Number(result.n)).toBe(1);
    });

    it('adds no record when a decision is replayed with the same Idempotency-Key', async () => {
      const { id } = await submitted();
      const send = () =>
        decide(t, world.community, id, 'approve').set('idempotency-key', 'approve-once-1');

      const first = await send();
      const replay = await send();

      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first.body);
      expect((await transitionsOf(id)).map((r) => r.detail.command)).toEqual(['submit', 'approve']);
    });

    it('adds no record when the same transition job is delivered again, after or during the first', async () => {
      const { id } = await submitted();
      const [reviewer]: { id: string; path: string }[] = await t.db.query(
        `SELECT u.id, r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.name = $1`,
        [world.community.name],
      );
      const engine = t.app.get(TransitionEngine);
      const delivery = {
        jobId: `decide-redelivered-${randomUUID()}`,
        applicationId: id,
        actor: {
          userId: reviewer.id,
          role: 'community_reviewer',
          name: world.community.name,
          regionPath: reviewer.path,
        },
        command: { type: 'approve' as const },
        opinion: '属实',
        signature: world.community.name,
      };

      // Two deliveries at once (a stalled job taken up while its first run still
      // holds the lock), then a third after both (a redelivery after a crash).
      const [a, b] = await Promise.all([engine.apply(delivery), engine.apply(delivery)]);
      const c = await engine.apply(delivery);

      expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([200, 200, 200]);
      const records = await rows(`job_id = $1`, [delivery.jobId]);
      expect(records).toHaveLength(1);
      expect(records[0].detail).toMatchObject({ command: 'approve', to: 'community_notice' });
      const [history]: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM application_history WHERE application_id = $1 AND type = 'approve'`,
        [id],
      );
      expect(Number(history.n)).toBe(1);
    });

    it('adds no record for a refused command: nothing changed', async () => {
      const { id } = await submitted();
      const mark = await lastId();

      expectError(await decide(t, world.town, id, 'approve'), 409, 'WRONG_LEVEL');

      expect((await newSince(mark)).filter((r) => r.action === 'application.transition')).toEqual(
        [],
      );
    });

    it('records a timer firing once, as the system, however often the clock is moved past it', async () => {
      const { id } = await submitted();
      const approved = await decide(t, world.community, id, 'approve');
      expect(approved.status).toBe(200);
      const endsAt = (approved.body as { noticeEndsAt: string }).noticeEndsAt;

      await setClock(t, world.admin, endsAt);
      await setClock(t, world.admin, new Date(Date.parse(endsAt) + 3_600_000).toISOString());

      const timerRecords = (await transitionsOf(id)).filter((r) => r.detail.trigger === 'timer');
      expect(timerRecords).toEqual([
        expect.objectContaining({
          actor_id: null,
          actor_role: null,
          detail: expect.objectContaining({
            command: 'notice_end',
            from: 'community_notice',
            to: 'town_review',
          }),
        }),
      ]);
    });
  });

  describe('admin changes', () => {
    const adminId = async (): Promise<string> => userIdOf('root');

    it('records each admin write once, as the administrator, with its target', async () => {
      const rootId = await adminId();
      const mark = await lastId();

      const county = await t
        .http()
        .post('/api/regions')
        .set(bearer(admin))
        .send({ code: 'AUD-C', name: '审计县', level: 'county' })
        .expect(201);
      const countyId = (county.body as { id: string }).id;
      const staff = await t
        .http()
        .post('/api/users')
        .set(bearer(admin))
        .send({
          username: 'audit.staff',
          password: STAFF_PASSWORD,
          name: '王审计',
          role: 'bureau_reviewer',
          regionId: countyId,
        })
        .expect(201);
      const staffId = (staff.body as { id: string }).id;
      await t
        .http()
        .patch(`/api/users/${staffId}`)
        .set(bearer(admin))
        .send({ disabled: true })
        .expect(200);
      const campaign = await t
        .http()
        .post('/api/campaigns')
        .set(bearer(admin))
        .send({ name: '审计年度', countyId, referenceIncome: 20000 })
        .expect(201);
      await t
        .http()
        .put('/api/calendar/overrides/2025-10-09')
        .set(bearer(admin))
        .send({ workday: false, note: '县城防汛放假' })
        .expect(200);
      await t.http().delete('/api/calendar/overrides/2025-10-09').set(bearer(admin)).expect(204);
      await setClock(t, admin, '2025-09-02T09:00:00+08:00');

      const records = await newSince(mark);
      expect(records.map((r) => [r.action, r.target_type, r.target_id])).toEqual([
        ['admin.region.created', 'region', countyId],
        ['admin.user.created', 'user', staffId],
        ['admin.user.updated', 'user', staffId],
        ['admin.campaign.created', 'campaign', (campaign.body as { id: string }).id],
        ['admin.working_days.changed', 'calendar_day', '2025-10-09'],
        ['admin.working_days.changed', 'calendar_day', '2025-10-09'],
        ['admin.clock.advanced', 'clock', 'manual'],
      ]);
      for (const r of records) {
        expect(r).toMatchObject({ outcome: 'succeeded', actor_id: rootId, actor_role: 'admin' });
      }
      expect(records.map((r) => r.detail)).toEqual([
        { code: 'AUD-C', level: 'county' },
        { role: 'bureau_reviewer', regionId: countyId },
        { disabled: true },
        expect.objectContaining({ countyId }),
        { change: 'override_set', workday: false },
        { change: 'override_removed' },
        { now: '2025-09-02T09:00:00+08:00' },
      ]);
      const text = JSON.stringify(records);
      for (const personal of ['audit.staff', '王审计', STAFF_PASSWORD, '县城防汛放假']) {
        expect(text).not.toContain(personal);
      }
    });

    it('records no admin change for a refused admin write (only the denial)', async () => {
      const applicant = await registerApplicant(t);
      const mark = await lastId();

      expectError(
        await t
          .http()
          .post('/api/regions')
          .set(bearer(applicant.token))
          .send({ code: 'X1', name: '县', level: 'county' }),
        403,
        'FORBIDDEN',
      );
      await t
        .http()
        .post('/api/regions')
        .set(bearer(admin))
        .send({ code: 'bad code!', name: '县', level: 'county' })
        .expect(400);

      expect((await newSince(mark)).map((r) => r.action)).toEqual(['access.denied']);
    });

    it('records the bootstrap administrator once, created by no one, and not again at the next start', async () => {
      const username = `boot${Date.now().toString(36)}`;
      const env = { CLOCK: 'system', ADMIN_USERNAME: username, ADMIN_PASSWORD: 'boot-password-1' };
      for (let start = 0; start < 2; start++) {
        const started = await createTestApp(env, { withWorker: false });
        await started.close();
      }

      const id = await userIdOf(username);
      expect(await rows(`action = 'admin.user.created' AND target_id = $1`, [id])).toEqual([
        expect.objectContaining({
          actor_id: null,
          detail: { role: 'admin', bootstrap: true },
        }),
      ]);
    });
  });

  describe('personal data', () => {
    it('appears in no record of a whole journey: names, ID numbers, incomes, passwords, usernames', async () => {
      const world = await workflowWorld(t);
      const idNumber = residentId();
      const body = registrationBody({ username: 'wang.personal', name: '王秘密', idNumber });
      await t.http().post('/api/auth/register').send(body).expect(201);
      const token = await login(t, 'wang.personal', body.password as string);
      const household = familyBody(world.campaignId, world.tree.towns[0].communities[0], {
        income: 12345.67,
      });
      const draft = await readyDraftOf(t, household, token);
      await setClock(t, world.admin, '2025-09-26T10:00:00+08:00');
      expect((await submit(t, draft.id, token)).status).toBe(200);
      const corrected = await decide(t, world.community, draft.id, 'approve', {
        corrections: {
          members: [{ idNumber: household.members[0].idNumber, annualIncome: 11111.11 }],
        },
      });
      expect(corrected.status).toBe(200);
      await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', freshClient())
        .send({ username: 'wang.personal', password: 'typo-password-9' })
        .expect(401);

      const records = await rows();
      expect(records.map((r) => r.action)).toEqual(
        expect.arrayContaining([
          'auth.login.succeeded',
          'auth.login.failed',
          'application.transition',
          'admin.region.created',
        ]),
      );
      const text = JSON.stringify(records);
      const personal = [
        '王秘密',
        idNumber,
        ...household.members.flatMap((m) => [m.name, m.idNumber]),
        '12345.67',
        '1234567',
        '11111.11',
        '1111111',
        '城南路1号',
        'wang.personal',
        body.password as string,
        'typo-password-9',
        '13800138000',
        world.community.name,
      ];
      for (const value of personal) expect(text).not.toContain(String(value));
      for (const r of records) {
        for (const key of Object.keys(r.detail)) expect(DETAIL_KEYS).toContain(key);
      }
    });
  });

  describe('GET /api/admin/audit', () => {
    const list = (query: Record<string, string | number> = {}, token = admin) =>
      t.http().get('/api/admin/audit').query(query).set(bearer(token));

    interface Page {
      items: {
        id: string;
        at: string;
        action: string;
        actor: { id: string; role: string } | null;
      }[];
      nextCursor: string | null;
    }

    it('pages newest first with a cursor, every record exactly once', async () => {
      for (let i = 0; i < 4; i++) await login(t, 'root', 'root-password');
      const all: string[] = (await rows()).map((r) => r.id).reverse();
      expect(all.length).toBeGreaterThanOrEqual(5);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list({ limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
        const page = res.body as Page;
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);

      // The reads themselves write nothing: the trail is what it was.
      expect(seen).toEqual(all);
    });

    it('filters by action, actor and time', async () => {
      const applicant = await registerApplicant(t);
      await t.http().get('/api/users').set(bearer(applicant.token)).expect(403);

      const byAction = (await list({ action: 'access.denied' }).expect(200)).body as Page;
      expect(byAction.items.map((i) => i.action)).toEqual(['access.denied']);
      expect(byAction.items[0].actor).toEqual({ id: applicant.id, role: 'applicant' });

      const byActor = (await list({ actorId: applicant.id }).expect(200)).body as Page;
      expect(byActor.items.map((i) => i.action).sort()).toEqual([
        'access.denied',
        'auth.login.succeeded',
      ]);

      const later = new Date(Date.now() + 60_000).toISOString();
      const earlier = new Date(Date.now() - 3_600_000).toISOString();
      expect(((await list({ from: later }).expect(200)).body as Page).items).toEqual([]);
      expect(((await list({ to: earlier }).expect(200)).body as Page).items).toEqual([]);
      const inside = (await list({ from: earlier, to: later }).expect(200)).body as Page;
      expect(inside.items.length).toBe((await rows()).length);
      expect(inside.items[0].at).toMatch(/\+08:00$/);
    });

    it("gives an administrator bound to a county its county's part: what its accounts did and what was done to its things", async () => {
      const world = await workflowWorld(t);
      const other = await createRegionTree(t, admin, 1, 1);
      const outsider = await createStaff(
        t,
        admin,
        'community_reviewer',
        other.towns[0].communities[0],
      );
      const countyAdmin = await createStaff(t, admin, 'admin', world.tree.countyId);
      const draft = await readyDraftOf(
        t,
        familyBody(world.campaignId, world.tree.towns[0].communities[0]),
      );
      expect((await submit(t, draft.id, draft.token)).status).toBe(200);
      // An alert of the county's application, acknowledged by the administrator of no region.
      const alert = { id: await raiseAlert(t, draft.id, 'timer_refused') };
      await t
        .http()
        .post(`/api/alerts/${alert.id}/acknowledgement`)
        .set(bearer(admin))
        .send({ note: '已补录放假安排' })
        .expect(200);
      await t
        .http()
        .put('/api/calendar/overrides/2025-12-19')
        .set(bearer(admin))
        .send({ workday: false, note: '县城防汛放假' })
        .expect(200);
      await t
        .http()
        .post('/api/auth/login')
        .set('x-forwarded-for', freshClient())
        .send({ username: 'nobody', password: 'x' })
        .expect(401);

      type Item = Page['items'][number] & { target: { type: string; id: string } | null };
      const read = async (token: string, query: Record<string, string> = {}) =>
        ((await list({ limit: 200, ...query }, token).expect(200)).body as { items: Item[] }).items;
      const mine = await read(countyAdmin.token);
      const shows = (action: string, by: string | null, target: string | null) =>
        mine.some(
          (i) =>
            i.action === action &&
            (by === null || i.actor?.id === by) &&
            (target === null || i.target?.id === target),
        );

      // Its own acts, and what was done to its county's application, accounts and campaign (by others).
      expect(shows('auth.login.succeeded', countyAdmin.id, null)).toBe(true);
      expect(shows('application.transition', null, draft.id)).toBe(true);
      expect(shows('admin.user.created', null, countyAdmin.id)).toBe(true);
      expect(shows('admin.campaign.created', null, world.campaignId)).toBe(true);
      expect(shows('alert.acknowledged', null, alert.id)).toBe(true);
      // Not another county's, not what every county shares, not anonymous attempts.
      expect(
        mine.filter((i) => i.actor?.id === outsider.id || i.target?.id === outsider.id),
      ).toEqual([]);
      expect(mine.filter((i) => i.target?.id === other.countyId)).toEqual([]);
      expect(mine.filter((i) => i.action === 'admin.working_days.changed')).toEqual([]);
      expect(mine.filter((i) => i.actor === null && i.target === null)).toEqual([]);
      expect(await read(countyAdmin.token, { actorId: outsider.id })).toEqual([]);

      // The administrator bound to no region reads the whole trail.
      expect((await read(admin)).length).toBe((await rows()).length);
    });

    it('is for administrators only: 401 and 403, each recorded as a denial', async () => {
      const applicant = await registerApplicant(t);
      const mark = await lastId();

      expectError(await t.http().get('/api/admin/audit'), 401, 'UNAUTHENTICATED');
      expectError(await list({}, applicant.token), 403, 'FORBIDDEN');

      expect((await newSince(mark)).map((r) => r.detail.status)).toEqual([401, 403]);
    });

    it.each([
      [{ action: 'auth.login.guessed' }, 'action'],
      [{ actorId: 'root' }, 'actorId'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ from: '2025-09-01' }, 'from'],
      [{ from: '2025-09-01T00:00:00' }, 'from'],
      [{ cursor: 'not a cursor' }, 'cursor'],
      [{ cursor: Buffer.from('12; DROP').toString('base64url') }, 'cursor'],
      [{ from: '2025-09-02T00:00:00+08:00', to: '2025-09-01T00:00:00+08:00' }, 'from'],
      [{ password: 'x' }, 'password'],
    ])('refuses %p with 400 naming %s', async (query, field) => {
      const details = expectError(await list(query), 400, 'VALIDATION_FAILED');
      expect(details).toContainEqual(expect.objectContaining({ field }));
    });
  });

  it('cannot be edited or deleted, even with direct SQL', async () => {
    await login(t, 'root', 'root-password');
    await expect(t.db.query(`UPDATE audit_log SET action = 'access.denied'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    expect((await ofAction('auth.login.succeeded')).length).toBeGreaterThanOrEqual(1);
  });
});
