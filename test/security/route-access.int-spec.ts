import { ROLES } from '@app/access';
import { createTestApp, expectError, resetDatabase, TestApp } from '../support/test-app';
import {
  decide,
  getApplication,
  readyDraft,
  Reviewer,
  setClock,
  submit,
  workflowWorld,
  WorkflowWorld,
} from '../support/workflow-fixture';
import { CaseResult, isAllowed, runCase } from './support/access-matrix';
import { tally } from './support/contract';
import { changedTables, fingerprint } from './support/db-fingerprint';
import { ROUTE_FIXTURES } from './support/route-fixtures';
import { DiscoveredRoute, discoverRoutes, expressRoutes } from './support/routes';
import { CALLERS, clearRateLimits, SecurityWorld, securityWorld } from './support/security-world';

/**
 * Pages mounted beside Nest's controllers (Swagger's, by configureHttpApp):
 * public on purpose, listed here so that nothing else can be mounted unseen.
 */
const PUBLIC_PAGES = [
  'GET /api/docs',
  'GET /api/docs/',
  'GET /api/docs/LICENSE',
  'GET /api/docs/docs/swagger-ui-init.js',
  'GET /api/docs/index.html',
  'GET /api/docs/swagger-ui-init.js',
  'GET /api/docs-json',
  'GET /api/docs-yaml',
];

/**
 * Route × caller × jurisdiction, generated from the routes the running app
 * registered (issue #6, "Hostile input and access"). Every route needs an
 * entry in ROUTE_FIXTURES saying who may call it and how to aim a call
 * inside and outside the caller's jurisdiction; the matrix then checks that
 * anonymous callers get 401, other roles 403, calls outside 404 (or, for
 * lists, nothing from outside), and that none of these changes any row.
 */
describe('security: every route × every role × inside and outside the jurisdiction', () => {
  let t: TestApp;
  let routes: DiscoveredRoute[];

  beforeAll(async () => {
    t = await createTestApp();
    routes = discoverRoutes(t.app);
  });
  afterAll(() => t.close());

  it('discovers the routes from the app itself (a sanity check of the discovery)', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => r.key)).toContain('POST /api/applications/:id/decisions');
  });

  it('has a fixture for every discovered route, and no fixture for a route that is gone', () => {
    const keys = routes.map((r) => r.key);
    expect({
      withoutFixture: keys.filter((k) => !(k in ROUTE_FIXTURES)),
      withoutRoute: Object.keys(ROUTE_FIXTURES).filter((k) => !keys.includes(k)),
    }).toEqual({ withoutFixture: [], withoutRoute: [] });
  });

  it('mounts nothing in Express besides the controllers and the listed public pages', () => {
    const nest = new Set(routes.map((r) => r.key));
    expect(expressRoutes(t.app).filter((k) => !nest.has(k))).toEqual([...PUBLIC_PAGES].sort());
  });

  it('serves the listed public pages without asking for a token', async () => {
    const statuses: Record<string, number> = {};
    for (const page of PUBLIC_PAGES) {
      statuses[page] = (await t.http().get(page.slice('GET '.length))).status;
    }
    // Swagger registers a LICENSE route whose file it does not ship: a 404, still no 401.
    expect(Object.values(statuses).filter((s) => s === 401 || s === 403 || s >= 500)).toEqual([]);
    expect(statuses['GET /api/docs-json']).toBe(200);
  });

  it('declares in code (@Public, @Roles) the access the contract gives each route', () => {
    const disagreements = routes.flatMap((route) => {
      const fixture = ROUTE_FIXTURES[route.key];
      if (!fixture) return [];
      const coded = route.isPublic ? 'public' : [...(route.roles ?? ROLES)].sort().join(',');
      const contract =
        fixture.access === 'public' ? 'public' : [...fixture.access].sort().join(',');
      return coded === contract ? [] : [`${route.key}: code ${coded}, contract ${contract}`];
    });
    expect(disagreements).toEqual([]);
  });

  describe('the matrix', () => {
    let world: SecurityWorld;
    const results: CaseResult[] = [];
    const notApplicable: string[] = [];
    beforeAll(async () => {
      await resetDatabase(t);
      await clearRateLimits(t);
      world = await securityWorld(t);
    }, 120_000);

    afterAll(() => {
      const refused = results.filter((r) => !isAllowed(ROUTE_FIXTURES[r.route], r.caller));
      const failed = results.filter((r) => r.problems.length > 0);
      console.log(
        [
          `route × caller × jurisdiction: ${results.length} cases over ` +
            `${new Set(results.map((r) => r.route)).size} routes and ${CALLERS.length} callers ` +
            `(+${notApplicable.length} outside cases not applicable: routes with no outside run once per caller)`,
          `  allowed ${results.length - refused.length}, refused by role ${refused.length}, ` +
            `outside ${results.filter((r) => r.where === 'out').length}`,
          `  by status: ${JSON.stringify(tally(results.map((r) => r.status)))}`,
          `  failed: ${failed.length}`,
          ...failed.map(
            (r) =>
              `    ${r.caller} (${r.where}) ${r.request}: expected ${r.expected}, got ${r.status}: ` +
              r.problems.join('; '),
          ),
        ].join('\n'),
      );
    });

    // One test per entry of the table (the table is checked against the app's routes above).
    it.each(Object.keys(ROUTE_FIXTURES))('%s', async (key) => {
      expect(routes.map((r) => r.key)).toContain(key);
      const fixture = ROUTE_FIXTURES[key];
      const failures: string[] = [];
      for (const caller of CALLERS) {
        for (const where of ['in', 'out'] as const) {
          if (where === 'out' && typeof fixture.outside === 'string') {
            notApplicable.push(`${key} × ${caller}`);
            continue;
          }
          const result = await runCase(t, world, key, fixture, caller, where);
          results.push(result);
          if (result.problems.length > 0) {
            failures.push(
              `${caller} (${where}): expected ${result.expected}; ${result.problems.join('; ')}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });

  describe('review actions at the wrong level', () => {
    let world: WorkflowWorld;
    beforeAll(async () => {
      await resetDatabase(t);
      world = await workflowWorld(t);
    });

    /** A decision by a reviewer whose region holds the application but who is not at its level. */
    async function refusedAtWrongLevel(reviewer: Reviewer, id: string): Promise<void> {
      const before = await fingerprint(t);
      expectError(await decide(t, reviewer, id, 'approve'), 409, 'WRONG_LEVEL');
      expect(changedTables(before, await fingerprint(t))).toEqual([]);
    }

    async function approvedToNextLevel(reviewer: Reviewer, id: string): Promise<void> {
      const res = await decide(t, reviewer, id, 'approve');
      expect(res.status).toBe(200);
      await setClock(t, world.admin, (res.body as { noticeEndsAt: string }).noticeEndsAt);
    }

    // The matrix covers the community level; these are the town's and the bureau's.
    it('refuses every other level at town and at bureau review with 409 WRONG_LEVEL, changing nothing', async () => {
      const { id, token } = await readyDraft(t, world);
      expect((await submit(t, id, token)).status).toBe(200);
      await approvedToNextLevel(world.community, id);
      expect((await getApplication(t, id, token)).status).toBe('town_review');
      await refusedAtWrongLevel(world.community, id);
      await refusedAtWrongLevel(world.bureau, id);

      await approvedToNextLevel(world.town, id);
      expect((await getApplication(t, id, token)).status).toBe('bureau_review');
      await refusedAtWrongLevel(world.community, id);
      await refusedAtWrongLevel(world.town, id);
      expect((await decide(t, world.bureau, id, 'approve')).status).toBe(200);
    });
  });
});
