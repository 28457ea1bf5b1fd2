import { residentId } from '../../libs/domain/src/testing/resident-ids';
import { familyBody } from '../factories/applications.factory';
import { STAFF_PASSWORD } from '../factories/users.factory';
import { bearer } from '../support/test-app';
import { TEST_ENV } from '../support/test-env';
import {
  decide,
  readyDraftOf,
  submit,
  workflowWorld,
  WorkflowWorld,
} from '../support/workflow-fixture';
import { BuiltApp, resetForBuiltApp, startBuiltApp } from './support/built-app';

const PASSWORD = 'Log-Secret-Pass-2025';
const WRONG_PASSWORD = 'Wrong-Secret-Pass-2025';
const STAFF_CHOSEN_PASSWORD = 'Staff-Secret-Pass-2025';
/** The password createApplicant (the factory readyDraftOf uses) gives its applicants. */
const FACTORY_APPLICANT_PASSWORD = 'applicant-pass';

/**
 * Logs (issue #6): the built service, run as its own process at LOG_LEVEL=debug
 * with its output captured, goes through registration, logins (right, wrong,
 * with an ID number typed as the user name), an application with its
 * materials, submission, a decision with corrections, an objection and its
 * resolution, and errors on the way. The log must show that all this happened
 * and must hold no ID number, no password and no token.
 */
describe('security: no ID numbers, passwords or tokens in the logs', () => {
  let app: BuiltApp;
  let world: WorkflowWorld;
  const idNumbers: string[] = [];
  const tokens: string[] = [];
  let log = '';
  /** The path of the last request before the service is stopped. */
  let lastPath = '';

  beforeAll(async () => {
    await resetForBuiltApp();
    app = await startBuiltApp({ LOG_LEVEL: 'debug' });
    const t = app.t;
    try {
      world = await workflowWorld(t);
      tokens.push(world.admin, world.community.token);

      const idNumber = residentId({ region: '440305', birthDate: '1977-07-23', order: 61 });
      idNumbers.push(idNumber);
      await t
        .http()
        .post('/api/auth/register')
        .send({
          username: 'log.applicant',
          password: PASSWORD,
          name: '日志测试',
          idNumber,
          phone: '13800138000',
        })
        .expect(201);
      await t
        .http()
        .post('/api/auth/register')
        .send({
          username: 'log.again',
          password: PASSWORD,
          name: '日志测试',
          idNumber,
          phone: '13800138000',
        })
        .expect(409);
      const bad = `${idNumber.slice(0, 17)}${idNumber[17] === '0' ? '1' : '0'}`;
      await t
        .http()
        .post('/api/auth/register')
        .send({
          username: 'log.bad',
          password: PASSWORD,
          name: '日志测试',
          idNumber: bad,
          phone: '13800138000',
        })
        .expect(400);
      const login = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'log.applicant', password: PASSWORD })
        .expect(200);
      tokens.push((login.body as { accessToken: string }).accessToken);
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'log.applicant', password: WRONG_PASSWORD })
        .expect(401);
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: idNumber, password: PASSWORD })
        .expect(401);
      // A login that fails inside PostgreSQL (a NUL in the name: a 500 today), with an ID number in it.
      await t
        .http()
        .post('/api/auth/login')
        .send({ username: `${idNumber}\u0000`, password: PASSWORD });
      await t
        .http()
        .post('/api/users')
        .set(bearer(world.admin))
        .send({
          username: 'log.staff',
          password: STAFF_CHOSEN_PASSWORD,
          name: '日志审核',
          role: 'admin',
        })
        .expect(201);

      const body = familyBody(world.campaignId, world.tree.towns[0].communities[0]);
      idNumbers.push(...body.members.map((m) => m.idNumber));
      const draft = await readyDraftOf(t, body);
      tokens.push(draft.token);
      await t
        .http()
        .get(`/api/applications?status=draft&regionId=${world.tree.countyId}`)
        .set(bearer(draft.token))
        .expect(200);
      expect((await submit(t, draft.id, draft.token)).status).toBe(200);
      const corrections = { members: [{ idNumber: body.members[0].idNumber, annualIncome: 8000 }] };
      expect((await decide(t, world.community, draft.id, 'approve', { corrections })).status).toBe(
        200,
      );
      const [notice] = (await t.http().get('/api/public/notices').expect(200)).body.items as {
        noticeId: string;
      }[];
      const objection = await t
        .http()
        .post(`/api/public/notices/${notice.noticeId}/objections`)
        .send({
          content: `该户成员 ${body.members[1].idNumber} 另有住房`,
          contactName: '王五',
          contactPhone: '13900139000',
        })
        .expect(201);
      await t
        .http()
        .post(
          `/api/applications/${draft.id}/objections/${(objection.body as { objectionId: string }).objectionId}/resolution`,
        )
        .set(bearer(world.community.token))
        .send({ upheld: false, opinion: '经核实', signature: world.community.name })
        .expect(200);
      // An ID number typed where an application's id belongs, and in a path no route has.
      await t.http().get(`/api/applications/${body.members[0].idNumber}`).set(bearer(draft.token));
      await t.http().get(`/api/no-such-route/${body.members[1].idNumber}/materials`).expect(404);
      // A name typed in pinyin, lower-case like a route's words.
      await t.http().get(`/api/users/zhangsan`).set(bearer(world.community.token));
      // Refusals of a body with ID numbers in it, at validation and in the worker.
      await t
        .http()
        .put(`/api/applications/${draft.id}`)
        .set(bearer(draft.token))
        .send(body)
        .expect(409);
      lastPath = `/api/applications/${draft.id}/decisions`;
      await t
        .http()
        .post(lastPath)
        .set(bearer(world.town.token))
        .send({ decision: 'approve', opinion: 'x', signature: world.town.name, corrections })
        .expect(409);
    } finally {
      await app.stop();
      log = app.output();
    }
  }, 240_000);

  it('captured a log of what happened (so the checks below look at something)', () => {
    expect(log.length).toBeGreaterThan(1000);
    for (const path of [
      '/api/auth/register',
      '/api/auth/login',
      '/api/applications',
      '/api/public/notices',
    ]) {
      expect(log).toContain(`"path":"${path}`);
    }
    // The requests with an ID number in their path were logged, without it.
    expect(log).toContain('"path":"/api/applications/:masked"');
    // Only the routes' own words stay, read from the router (`decisions` in lastPath, below).
    expect(log).toContain('"path":"/api/:masked/:masked/materials"');
    expect(log).toContain('"path":"/api/users/:masked"');
    expect(log).not.toContain('zhangsan');
    // Logs are written in blocks: the last lines before SIGTERM must still come out.
    const last = log.split('\n').filter((l) => l.includes(`"path":"${lastPath}"`));
    expect(last.some((l) => l.includes('"statusCode":409'))).toBe(true);
  });

  /** The log lines holding `part`, cut to where it is: what a failure shows, to find the leak. */
  const linesWith = (part: string): string[] =>
    log
      .split('\n')
      .filter((line) => line.includes(part))
      .map((line) => {
        const at = line.indexOf(part);
        return `${line.slice(0, 160)} … ${line.slice(Math.max(0, at - 200), at + 60)}`;
      });

  it('holds no ID number, whole or as its first 17 or last 12 characters', () => {
    const found = idNumbers.flatMap((id) =>
      [id, id.slice(0, 17), id.slice(-12)].flatMap((part) =>
        linesWith(part).map((line) => `${part}: ${line}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it('holds no password: chosen, wrong, the factories’, the administrator’s', () => {
    const passwords = [
      PASSWORD,
      WRONG_PASSWORD,
      STAFF_CHOSEN_PASSWORD,
      STAFF_PASSWORD,
      FACTORY_APPLICANT_PASSWORD,
      TEST_ENV.ADMIN_PASSWORD,
    ];
    expect(passwords.filter((p) => log.includes(p))).toEqual([]);
  });

  it('holds no access token, nor the key that signs them', () => {
    const found = tokens.filter((token) => log.includes(token.split('.')[2]));
    expect(found).toHaveLength(0);
    expect(log).not.toContain(TEST_ENV.JWT_SECRET);
  });
});
