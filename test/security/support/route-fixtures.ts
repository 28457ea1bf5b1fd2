import { raiseAlert } from '../../factories/alerts.factory';
import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '@app/access';
import { registrationBody } from '../../factories/applicants.factory';
import { familyBody, PDF } from '../../factories/applications.factory';
import { campaignBody } from '../../factories/campaigns.factory';
import { STAFF_PASSWORD } from '../../factories/users.factory';
import { bearer, TestApp } from '../../support/test-app';
import type { Answer, RequestSpec } from './http';
import {
  APPLICANT_PASSWORD,
  Caller,
  outApplication,
  outCampaign,
  outRegion,
  ownRegion,
  SecurityWorld,
  STAFF,
  tokenOf,
} from './security-world';

export type Jurisdiction = 'in' | 'out';

/** What a caller gets: an exact status (and code), or a check that lists what is wrong. */
export type Outcome =
  | { status: number; code?: string }
  | { status: number; label: string; check: (answer: Answer) => string[] };

/**
 * How the security matrix exercises one route. `request` builds the call for
 * a caller inside or outside its jurisdiction; the matrix itself decides what
 * refused callers get (401 anonymous, 403 other roles) and that refusals and
 * outside calls change nothing.
 */
export interface RouteFixture {
  /** Who the contract (api.md, README "API beyond the contract") lets in. */
  access: 'public' | readonly Role[];
  request: (
    w: SecurityWorld,
    caller: Caller,
    where: Jurisdiction,
    t: TestApp,
  ) => RequestSpec | Promise<RequestSpec>;
  /** What an allowed caller gets inside its jurisdiction. */
  inside: (caller: Caller, w: SecurityWorld) => Outcome;
  /**
   * What an allowed caller gets outside: by default 404 NOT_FOUND (README:
   * outside the caller's jurisdiction is absent). A string says why the route
   * has no outside (one calendar, one clock, a public page…): it then runs once per caller.
   */
  outside?: ((caller: Caller, w: SecurityWorld) => Outcome) | string;
  /** Waits for what an allowed call set going in the background, so the next case starts still. */
  settle?: (t: TestApp, answer: Answer, w: SecurityWorld, caller: Caller) => Promise<void>;
}

const REVIEWERS: readonly Role[] = ['community_reviewer', 'town_reviewer', 'bureau_reviewer'];

const ok =
  (status = 200) =>
  (): Outcome => ({ status });
const get = (path: string, query?: Record<string, string>): RequestSpec => ({
  method: 'GET',
  path,
  query,
});
const post = (path: string, json: unknown): RequestSpec => ({ method: 'POST', path, json });

/** The list's items (or the array itself), by id. */
function idsIn(answer: Answer): string[] {
  const body = answer.body as { items?: { id: string }[] } | { id: string }[] | undefined;
  const items = Array.isArray(body) ? body : (body?.items ?? []);
  return items.map((item) => item.id);
}

/** A 200 list, checked by what its ids include or leave out. */
const listing = (label: string, wanted: (ids: string[]) => string[]): Outcome => ({
  status: 200,
  label,
  check: (answer) => (answer.status === 200 ? wanted(idsIn(answer)) : [`status ${answer.status}`]),
});

const includes = (id: string) => (ids: string[]) => (ids.includes(id) ? [] : [`${id} missing`]);
const excludes = (id: string) => (ids: string[]) => (ids.includes(id) ? [`${id} listed`] : []);
const empty = (ids: string[]) => (ids.length === 0 ? [] : [`listed ${ids.join(', ')}`]);

/** The application a caller reaches inside: P's submitted one (P's own, inside every county-A region). */
const appOf = (w: SecurityWorld, caller: Caller, where: Jurisdiction, inside = w.review.id) =>
  where === 'in' ? inside : outApplication(w, caller).id;

/**
 * A fresh alert raised to the caller's level (an administrator's: a refused
 * timer) about the application the caller reaches inside, or the one outside
 * its reach; each case acknowledges its own.
 */
async function alertFor(
  t: TestApp,
  w: SecurityWorld,
  caller: Caller,
  where: Jurisdiction,
): Promise<string> {
  const toLevel = caller === 'bureau_reviewer' ? 'bureau' : caller === 'admin' ? 'admin' : 'town';
  return raiseAlert(
    t,
    appOf(w, caller, where),
    toLevel === 'admin' ? 'timer_refused' : 'overdue',
    toLevel,
  );
}

let serial = 0;
const fresh = (prefix: string) => `${prefix}${process.pid}x${serial++}`;

/**
 * What the matrix's administrator (bound to county A) gets from a route that
 * changes what every county shares (the calendar, the clock): 403, those being
 * the whole service's administrator's alone (libs/access/src/jurisdiction.ts).
 * The bootstrap administrator's use of them is in test/calendar and test/clock.
 */
const serviceWideOnly = (): Outcome => ({ status: 403, code: 'FORBIDDEN' });

/** A day far from every deadline of the world, in a year with official calendar data. */
const OVERRIDE_DAY = '2026-12-18';

/** The route table. The matrix fails for a discovered route missing here, and for an entry no route has. */
export const ROUTE_FIXTURES: Record<string, RouteFixture> = {
  'GET /api/health': {
    access: 'public',
    request: () => get('/api/health'),
    inside: ok(),
    outside: 'public: no resource',
  },
  'POST /api/auth/register': {
    access: 'public',
    request: () => post('/api/auth/register', registrationBody()),
    inside: ok(201),
    outside: 'public: anyone may register',
  },
  'POST /api/auth/login': {
    access: 'public',
    request: (w) =>
      post('/api/auth/login', { username: w.other.username, password: APPLICANT_PASSWORD }),
    inside: ok(),
    outside: 'public: anyone may log in',
  },
  'GET /api/public/notices': {
    access: 'public',
    request: () => get('/api/public/notices'),
    inside: ok(),
    outside: 'public: the notice board is for everyone (三榜公示)',
  },
  'POST /api/public/notices/:noticeId/objections': {
    access: 'public',
    request: (w) =>
      post(`/api/public/notices/${w.notice.noticeId}/objections`, { content: '核实该户住房' }),
    inside: ok(201),
    outside: 'public: anyone may object to a running notice',
  },

  'POST /api/users': {
    access: ['admin'],
    request: (w, _caller, where) =>
      post('/api/users', {
        username: fresh('sec.user'),
        password: STAFF_PASSWORD,
        name: '新审核',
        role: 'community_reviewer',
        regionId: where === 'in' ? w.regions.a1a : w.regions.b1a,
      }),
    inside: ok(201),
  },
  'GET /api/users': {
    access: ['admin'],
    request: () => get('/api/users'),
    inside: (_caller, w) => listing('lists the accounts of county A', includes(w.spare.id)),
    outside: (_caller, w) =>
      listing('lists no account bound to another county', excludes(w.outsider.id)),
  },
  'PATCH /api/users/:id': {
    access: ['admin'],
    request: (w, _caller, where) => ({
      method: 'PATCH',
      path: `/api/users/${where === 'in' ? w.spare.id : w.outsider.id}`,
      json: {},
    }),
    inside: ok(),
  },

  'GET /api/regions': {
    access: ROLES,
    request: () => get('/api/regions'),
    inside: ok(),
    outside: 'every account sees the tree it picks communities from (api.md "Regions")',
  },
  'GET /api/regions/:id': {
    access: ROLES,
    request: (w, caller, where) =>
      get(`/api/regions/${where === 'in' ? ownRegion(w, caller) : outRegion(w, caller)}`),
    inside: ok(),
    // README: "any; staff only inside their region": applicants may look up any region to apply in.
    outside: (caller) => (caller === 'applicant' ? { status: 200 } : { status: 404 }),
  },
  'POST /api/regions': {
    access: ['admin'],
    request: (w, _caller, where) =>
      post('/api/regions', {
        code: fresh('SECR'),
        name: '新社区',
        level: 'community',
        parentId: where === 'in' ? w.regions.townA1 : w.regions.townB1,
      }),
    inside: ok(201),
  },

  'POST /api/campaigns': {
    access: ['admin'],
    request: (w, _caller, where) =>
      post(
        '/api/campaigns',
        campaignBody(where === 'in' ? w.regions.countyA : w.regions.countyB, {
          referenceIncome: 20000,
        }),
      ),
    inside: ok(201),
  },
  'GET /api/campaigns': {
    access: ROLES,
    request: () => get('/api/campaigns'),
    inside: ok(),
    outside: 'campaigns are published survey rounds (README: GET /campaigns, any)',
  },
  'GET /api/campaigns/:id': {
    access: ROLES,
    request: (w) => get(`/api/campaigns/${w.campaignA}`),
    inside: ok(),
    outside: 'campaigns are published survey rounds (api.md: GET /api/campaigns/:id)',
  },

  'GET /api/calendar/workdays': {
    access: ROLES,
    request: () => get('/api/calendar/workdays', { from: '2025-10-01', to: '2025-10-08' }),
    inside: ok(),
    outside: 'one official calendar for the whole service',
  },
  'PUT /api/calendar/overrides/:date': {
    access: ['admin'],
    request: () => ({
      method: 'PUT',
      path: `/api/calendar/overrides/${OVERRIDE_DAY}`,
      json: { workday: false, note: '安全测试' },
    }),
    inside: serviceWideOnly,
    outside: 'one calendar for the whole service',
  },
  'DELETE /api/calendar/overrides/:date': {
    access: ['admin'],
    request: async (w, _caller, _where, t) => {
      await t
        .http()
        .put(`/api/calendar/overrides/${OVERRIDE_DAY}`)
        .set(bearer(w.root))
        .send({ workday: false, note: '安全测试' })
        .expect(200);
      return { method: 'DELETE', path: `/api/calendar/overrides/${OVERRIDE_DAY}` };
    },
    inside: serviceWideOnly,
    outside: 'one calendar for the whole service',
  },

  'POST /api/applications': {
    access: ['applicant'],
    request: (w) => post('/api/applications', familyBody(w.campaignA, w.regions.a1a)),
    inside: ok(201),
    outside: 'applicants have no region: where one may apply is a rule of the declaration (422)',
  },
  'PUT /api/applications/:id': {
    access: ['applicant'],
    request: (w, caller, where) => ({
      method: 'PUT',
      path: `/api/applications/${appOf(w, caller, where, w.draft.id)}`,
      json: w.draft.body,
    }),
    inside: ok(),
  },
  'GET /api/applications': {
    access: ROLES,
    request: (w, caller, where) =>
      get('/api/applications', where === 'in' ? {} : { regionId: outApplicationRegion(w, caller) }),
    inside: (caller, w) =>
      caller === 'applicant'
        ? listing('lists my draft', includes(w.draft.id))
        : listing('lists the application submitted in A1a', includes(w.review.id)),
    outside: () => listing('lists nothing in the region outside', empty),
  },
  'GET /api/applications/:id': {
    access: ROLES,
    request: (w, caller, where) => get(`/api/applications/${appOf(w, caller, where)}`),
    inside: ok(),
  },
  'POST /api/applications/:id/submit': {
    access: ['applicant'],
    request: (w, caller, where) =>
      post(`/api/applications/${appOf(w, caller, where, w.draft.id)}/submit`, {}),
    // The draft lacks materials: refused for that, which shows the caller got past access.
    inside: () => ({ status: 422, code: 'NOT_SUBMITTABLE' }),
  },
  'POST /api/applications/:id/withdraw': {
    access: ['applicant'],
    request: (w, caller, where) =>
      post(`/api/applications/${appOf(w, caller, where, w.draft.id)}/withdraw`, {}),
    // A draft is not live: nothing to withdraw (domain.md: "while the application is live").
    inside: () => ({ status: 409, code: 'INVALID_STATE' }),
  },
  'POST /api/applications/:id/materials': {
    access: ['applicant'],
    request: (w, caller, where) => ({
      method: 'POST',
      path: `/api/applications/${appOf(w, caller, where, w.draft.id)}/materials`,
      upload: { fields: { type: 'survey_form' }, file: PDF, name: 'form.pdf' },
    }),
    inside: ok(201),
  },
  'GET /api/applications/:id/materials/:materialId': {
    access: ROLES,
    request: (w, caller, where) => {
      // The applicant reads their draft's; staff, the application in review (a draft is hidden from them).
      const app =
        where === 'out' ? outApplication(w, caller) : caller === 'applicant' ? w.draft : w.review;
      return get(`/api/applications/${app.id}/materials/${app.materialId!}`);
    },
    inside: ok(),
  },
  'POST /api/applications/:id/decisions': {
    access: REVIEWERS,
    request: (w, caller, where) =>
      post(`/api/applications/${appOf(w, caller, where)}/decisions`, {
        decision: 'approve',
        opinion: '经调查核实',
        signature: caller === 'anonymous' ? '匿名' : w.accounts[caller].name,
        // Corrections that make the household ineligible: the community's approval is then
        // refused (422), so the world stays as it is while showing the caller got past access.
        corrections: { members: [{ idNumber: w.review.husband, annualIncome: 1_000_000 }] },
      }),
    inside: (caller) =>
      caller === 'community_reviewer'
        ? { status: 422, code: 'NOT_ELIGIBLE' }
        : { status: 409, code: 'WRONG_LEVEL' },
  },
  'POST /api/applications/:id/objections/:objectionId/resolution': {
    access: REVIEWERS,
    request: (w, caller, where) =>
      post(
        `/api/applications/${appOf(w, caller, where, w.notice.id)}/objections/${randomUUID()}/resolution`,
        {
          upheld: false,
          opinion: '经核实',
          signature: caller === 'anonymous' ? '匿名' : w.accounts[caller].name,
        },
      ),
    // An objection id of no objection: the community reviewer is told so (409), the others are at the wrong level.
    inside: (caller) =>
      caller === 'community_reviewer'
        ? { status: 409, code: 'OBJECTION_NOT_OPEN' }
        : { status: 409, code: 'WRONG_LEVEL' },
  },
  'POST /api/applications/:id/revocation': {
    access: ['bureau_reviewer'],
    request: (w, caller, where) =>
      post(`/api/applications/${appOf(w, caller, where)}/revocation`, signed(w, caller)),
    // Only an approved household can be revoked; this one is in community review.
    inside: () => ({ status: 409, code: 'INVALID_STATE' }),
  },
  'POST /api/applications/:id/changes': {
    access: ['bureau_reviewer'],
    request: (w, caller, where) =>
      post(`/api/applications/${appOf(w, caller, where)}/changes`, signed(w, caller)),
    inside: () => ({ status: 409, code: 'INVALID_STATE' }),
  },
  'GET /api/applications/:id/history': {
    access: ROLES,
    request: (w, caller, where) => get(`/api/applications/${appOf(w, caller, where)}/history`),
    inside: ok(),
  },
  'GET /api/applications/:id/history/verify': {
    access: ROLES,
    request: (w, caller, where) =>
      get(`/api/applications/${appOf(w, caller, where)}/history/verify`),
    inside: ok(),
  },

  'GET /api/alerts': {
    access: STAFF,
    request: () => get('/api/alerts'),
    inside: ok(),
    outside:
      "a list with no id to aim outside: each caller's alerts are those raised in its region",
  },
  'POST /api/alerts/:id/acknowledgement': {
    access: ['town_reviewer', 'bureau_reviewer', 'admin'],
    request: async (w, caller, where, t) =>
      post(`/api/alerts/${await alertFor(t, w, caller, where)}/acknowledgement`, {
        note: '已督办',
      }),
    inside: ok(),
  },

  ...statisticsRoutes([
    '/api/statistics/tiers',
    '/api/statistics/tiers.csv',
    '/api/statistics/tiers.xlsx',
    '/api/statistics/register.csv',
    '/api/statistics/register.xlsx',
  ]),
  'POST /api/statistics/register-exports': {
    access: STAFF,
    request: (w, caller, where) =>
      post('/api/statistics/register-exports', {
        ...statisticsQuery(w, caller, where),
        format: 'csv',
      }),
    inside: ok(202),
    settle: async (t, answer, w, caller) => {
      const id = (answer.body as { id: string }).id;
      for (let i = 0; i < 100; i++) {
        const res = await t
          .http()
          .get(`/api/statistics/register-exports/${id}`)
          .set(bearer(tokenOf(w, caller)!));
        if (['done', 'failed'].includes((res.body as { status: string }).status)) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  },
  'GET /api/statistics/register-exports': {
    access: STAFF,
    request: () => get('/api/statistics/register-exports'),
    inside: (caller, w) => listing('lists my export', includes(w.exports[caller])),
    outside: (_caller, w) => listing("lists no one else's export", excludes(w.exports.outsider)),
  },
  'GET /api/statistics/register-exports/:id': {
    access: STAFF,
    request: (w, caller, where) =>
      get(`/api/statistics/register-exports/${exportOf(w, caller, where)}`),
    inside: ok(),
  },
  'GET /api/statistics/register-exports/:id/file': {
    access: STAFF,
    request: (w, caller, where) =>
      get(`/api/statistics/register-exports/${exportOf(w, caller, where)}/file`),
    inside: ok(),
  },

  'GET /api/admin/audit': {
    access: ['admin'],
    request: (w, _caller, where) =>
      get('/api/admin/audit', where === 'in' ? {} : { actorId: w.outsider.id }),
    inside: () => listing('lists records', (ids) => (ids.length > 0 ? [] : ['none listed'])),
    // An administrator bound to county A reading what an account of county B did.
    outside: () => listing('lists nothing done in another county', empty),
  },
  'GET /api/admin/clock': {
    access: ['admin'],
    request: () => get('/api/admin/clock'),
    inside: ok(),
    outside: 'one clock for the whole service',
  },
  'POST /api/admin/clock': {
    access: ['admin'],
    // The clock's own instant: a move by nothing, so the world's deadlines stay where they are.
    request: async (_w, _caller, _where, t) => {
      const [{ now }]: { now: Date }[] = await t.db.query(
        `SELECT now FROM manual_clock WHERE id = 1`,
      );
      return post('/api/admin/clock', { now: now.toISOString() });
    },
    inside: serviceWideOnly,
    outside: 'one clock for the whole service',
  },
};

/** The community of the caller's outside application: a list filtered to it must come back empty. */
function outApplicationRegion(w: SecurityWorld, caller: Caller): string {
  const app = outApplication(w, caller);
  if (app === w.outside.a1b) return w.regions.a1b;
  return app === w.outside.a2a ? w.regions.a2a : w.regions.b1a;
}

function signed(w: SecurityWorld, caller: Caller) {
  return {
    opinion: '经核实',
    signature: caller === 'anonymous' ? '匿名' : w.accounts[caller].name,
  };
}

function statisticsQuery(w: SecurityWorld, caller: Caller, where: Jurisdiction) {
  return where === 'in'
    ? { campaignId: w.campaignA, regionId: w.regions.a1a }
    : { campaignId: outCampaign(w, caller), regionId: outRegion(w, caller) };
}

function statisticsRoutes(paths: string[]): Record<string, RouteFixture> {
  return Object.fromEntries(
    paths.map((path) => [
      `GET ${path}`,
      {
        access: STAFF,
        request: (w: SecurityWorld, caller: Caller, where: Jurisdiction) =>
          get(path, statisticsQuery(w, caller, where)),
        inside: ok(),
      } satisfies RouteFixture,
    ]),
  );
}

/** The caller's own export inside; outside, the county-B bureau reviewer's (not theirs, not their region). */
function exportOf(w: SecurityWorld, caller: Caller, where: Jurisdiction): string {
  if (where === 'out') return w.exports.outsider;
  // Callers with no export of their own are refused by role anyway: they aim at a reviewer's.
  return w.exports[caller] ?? w.exports.bureau_reviewer;
}
