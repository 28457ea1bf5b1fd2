import { registrationBody } from '../factories/applicants.factory';
import {
  createApplicant,
  createDraft,
  familyBody,
  returnForMaterials,
  submittedApplication,
  uploadMaterial,
} from '../factories/applications.factory';
import { createCampaign } from '../factories/campaigns.factory';
import { createRegionTree, RegionTree } from '../factories/regions.factory';
import { createStaff } from '../factories/users.factory';
import { adminToken, createTestApp, resetDatabase, TestApp } from '../support/test-app';
import { TEST_ENV } from '../support/test-env';
import { errorShapeProblems, leaksIn } from './support/contract';
import { Answer, RequestSpec, send } from './support/http';
import { signedWith } from './support/forged-tokens';

/**
 * What helmet 8 sets by default (helmet's README, "Reference"), with the
 * values that matter asserted exactly: no MIME sniffing, no framing by others,
 * HTTPS remembered, a restrictive CSP.
 */
const HELMET_HEADERS: Record<string, RegExp> = {
  'content-security-policy':
    /default-src 'self'.*object-src 'none'.*frame-ancestors 'self'|default-src 'self'.*frame-ancestors 'self'.*object-src 'none'/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cross-origin-resource-policy': /^same-origin$/,
  'origin-agent-cluster': /^\?1$/,
  'referrer-policy': /^no-referrer$/,
  'strict-transport-security': /^max-age=\d{7,}; includeSubDomains$/,
  'x-content-type-options': /^nosniff$/,
  'x-dns-prefetch-control': /^off$/,
  'x-download-options': /^noopen$/,
  'x-frame-options': /^SAMEORIGIN$/,
  'x-permitted-cross-domain-policies': /^none$/,
  'x-xss-protection': /^0$/,
};

function headerProblems(answer: Answer): string[] {
  const problems = Object.entries(HELMET_HEADERS)
    .filter(([name, value]) => !value.test(answer.headers[name] ?? ''))
    .map(([name]) => `${name}: ${answer.headers[name] ?? 'missing'}`);
  if (answer.headers['x-powered-by'] !== undefined) problems.push('x-powered-by is set');
  return problems;
}

/**
 * Security headers on every kind of answer, and error bodies that tell the
 * client what was wrong and nothing about the inside (issue #6).
 */
describe('security: headers and error bodies', () => {
  let t: TestApp;
  let admin: string;
  let tree: RegionTree;
  let campaignId: string;
  let applicant: { token: string };
  let reviewer: string;
  let draftId: string;
  /** Submitted and returned: the reviewer sees it, and it awaits no decision. */
  let returnedId: string;
  let materialId: string;
  const taken = registrationBody({ username: 'taken.user' });

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
    admin = await adminToken(t);
    tree = await createRegionTree(t, admin, 1, 1);
    campaignId = (await createCampaign(t, admin, tree.countyId, { referenceIncome: 20000 })).id;
    applicant = await createApplicant(t);
    reviewer = (await createStaff(t, admin, 'community_reviewer', tree.towns[0].communities[0]))
      .token;
    draftId = (
      await createDraft(t, applicant.token, familyBody(campaignId, tree.towns[0].communities[0]))
    ).id;
    const material = await uploadMaterial(t, applicant.token, draftId, { type: 'survey_form' });
    materialId = (material.body as { id: string }).id;
    const body = familyBody(campaignId, tree.towns[0].communities[0]);
    returnedId = (await submittedApplication(t, applicant.token, body)).id;
    await returnForMaterials(t, { token: reviewer, name: '王审核' }, returnedId);
    await t.http().post('/api/auth/register').send(taken).expect(201);
  });
  afterAll(() => t.close());

  const get = (path: string, query?: Record<string, string>): RequestSpec => ({
    method: 'GET',
    path,
    query,
  });

  /** Answers of every kind: JSON, files, CSV, a workbook, public pages, the API docs. */
  type Call = () => [RequestSpec, string | undefined];
  const normal: [string, Call][] = [
    ['a JSON read', () => [get('/api/regions'), admin]],
    ['an application', () => [get(`/api/applications/${draftId}`), applicant.token]],
    [
      'a material download',
      () => [get(`/api/applications/${draftId}/materials/${materialId}`), applicant.token],
    ],
    ['a CSV table', () => [get('/api/statistics/tiers.csv', { campaignId }), admin]],
    ['a workbook', () => [get('/api/statistics/tiers.xlsx', { campaignId }), admin]],
    ['the public board', () => [get('/api/public/notices'), undefined]],
    ['health', () => [get('/api/health'), undefined]],
    ['the API docs page', () => [get('/api/docs'), undefined]],
    ['the OpenAPI document', () => [get('/api/docs-json'), undefined]],
  ];

  /** Errors of every origin: body parser, validation, guard, router, services, PostgreSQL constraints. */
  const errors: [string, Call, number | null][] = [
    [
      'malformed JSON',
      () => [
        { method: 'POST', path: '/api/auth/login', rawJson: '{"username": "root",' },
        undefined,
      ],
      400,
    ],
    [
      'a body over 256 kB',
      () => [
        {
          method: 'POST',
          path: '/api/auth/login',
          json: { username: 'x'.repeat(300_000), password: 'x' },
        },
        undefined,
      ],
      413,
    ],
    [
      'JSON in UTF-16',
      () => [
        {
          method: 'POST',
          path: '/api/auth/login',
          rawJson: '{}',
          headers: { 'content-type': 'application/json; charset=utf-16' },
        },
        undefined,
      ],
      400,
    ],
    [
      'a path id that is not a UUID',
      () => [get("/api/applications/1' OR '1'='1"), applicant.token],
      400,
    ],
    [
      'a path that does not decode',
      () => [get('/api/applications/%E0%A4%A'), applicant.token],
      400,
    ],
    [
      'a query of the wrong type',
      () => [get('/api/applications', { pageSize: 'lots' }), applicant.token],
      400,
    ],
    [
      'a date that does not exist',
      () => [
        {
          method: 'PUT',
          path: '/api/calendar/overrides/2025-02-30',
          json: { workday: true, note: 'x' },
        },
        admin,
      ],
      400,
    ],
    ['no token', () => [get('/api/users'), undefined], 401],
    [
      'a token for a subject that is not a UUID',
      () => [
        get('/api/users'),
        signedWith(TEST_ENV.JWT_SECRET, {
          sub: "root'; --",
          exp: Math.floor(Date.now() / 1000) + 600,
        }),
      ],
      null,
    ],
    ['a wrong role', () => [get('/api/users'), applicant.token], 403],
    ['an unknown route', () => [get('/api/nowhere'), admin], 404],
    [
      'an unknown application',
      () => [get('/api/applications/00000000-0000-4000-8000-000000000000'), applicant.token],
      404,
    ],
    [
      'a username taken (unique constraint)',
      () => [
        {
          method: 'POST',
          path: '/api/auth/register',
          json: registrationBody({ username: taken.username }),
        },
        undefined,
      ],
      409,
    ],
    [
      'an ID number taken (unique constraint)',
      () => [
        {
          method: 'POST',
          path: '/api/auth/register',
          json: registrationBody({ username: 'second.user', idNumber: taken.idNumber }),
        },
        undefined,
      ],
      409,
    ],
    [
      'a region code taken (unique constraint)',
      () => [
        {
          method: 'POST',
          path: '/api/regions',
          json: { code: 'DUP-1', name: '重复', level: 'county' },
        },
        admin,
      ],
      409,
    ],
    [
      'a decision at the wrong state',
      () => [
        {
          method: 'POST',
          path: `/api/applications/${returnedId}/decisions`,
          json: { decision: 'approve', opinion: 'x', signature: '王审核' },
        },
        reviewer,
      ],
      409,
    ],
    [
      'a year with no calendar data',
      () => [get('/api/calendar/workdays', { from: '2031-01-01', to: '2031-01-05' }), admin],
      422,
    ],
    [
      'a NUL in a login name (reaches PostgreSQL)',
      () => [
        {
          method: 'POST',
          path: '/api/auth/login',
          json: { username: 'ro\u0000ot', password: 'x' },
        },
        undefined,
      ],
      null,
    ],
    [
      '10,000 nested arrays',
      () => [
        {
          method: 'POST',
          path: '/api/auth/login',
          rawJson: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        },
        undefined,
      ],
      null,
    ],
  ];

  it('recognises a leak when there is one (the detector the error tests rely on)', () => {
    expect(
      leaksIn(
        'QueryFailedError: duplicate key value violates unique constraint "users_username_key"\n' +
          '    at PostgresQueryRunner.query (/work/main/node_modules/typeorm/driver/x.js:219:19)',
      ),
    ).toEqual(['stack frame', 'source path', 'PostgreSQL error text', 'driver or ORM error']);
    expect(leaksIn('INSERT INTO users (id) VALUES ($1)')).toEqual(['SQL statement']);
    expect(leaksIn('The request is not valid')).toEqual([]);
  });

  it.each(normal)('sets the helmet headers, and no X-Powered-By, on %s', async (_what, call) => {
    const answer = await send(t, ...call());
    expect(answer.status).toBeLessThan(400);
    expect(headerProblems(answer)).toEqual([]);
  });

  const personal = normal.filter(([what]) =>
    ['a JSON read', 'an application', 'a material download', 'a CSV table', 'a workbook'].includes(
      what,
    ),
  );
  it.each(personal)('lets no cache keep %s (Cache-Control: no-store)', async (_what, call) => {
    const answer = await send(t, ...call());
    expect(answer.status).toBeLessThan(400);
    expect(answer.headers['cache-control']).toMatch(/(^|, )no-store($|,)/);
  });

  it('lets no cache keep an error answer either, and leaves the masked public board cacheable', async () => {
    const refused = await send(t, get(`/api/applications/${draftId}`), undefined);
    expect(refused.status).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
    const board = await send(t, get('/api/public/notices'), undefined);
    expect(board.status).toBe(200);
    expect(board.headers['cache-control'] ?? '').not.toContain('no-store');
  });

  it('sets them on an OPTIONS answer too', async () => {
    const res = await t.http().options('/api/health');
    expect(
      headerProblems({
        status: res.status,
        headers: res.headers,
        text: '',
        body: undefined,
      }),
    ).toEqual([]);
  });

  describe('errors', () => {
    beforeAll(async () => {
      // The region code of the duplicate case exists before the case runs.
      await t
        .http()
        .post('/api/regions')
        .set('authorization', `Bearer ${admin}`)
        .send({ code: 'DUP-1', name: '重复', level: 'county' })
        .expect(201);
    });

    it.each(errors)(
      'answers %s in the contract shape, with the headers, and nothing about the inside',
      async (_what, call, status) => {
        const answer = await send(t, ...call());
        // null: today a 500, a finding whose status the hostile-body and JWT tests assert;
        // here only its body and headers are checked.
        if (status !== null) expect(answer.status).toBe(status);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(errorShapeProblems(answer)).toEqual([]);
        expect(leaksIn(answer.text)).toEqual([]);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(headerProblems(answer)).toEqual([]);
      },
    );
  });
});
