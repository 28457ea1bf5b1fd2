import { raiseAlert } from '../factories/alerts.factory';
import { createTestApp, resetDatabase, TestApp } from '../support/test-app';
import { getApplication } from '../support/workflow-fixture';
import { errorShapeProblems, tally } from './support/contract';
import { changedTables, Fingerprint, fingerprint } from './support/db-fingerprint';
import { HostileCase, hostileCases, HostileGroup } from './support/hostile-bodies';
import { hostileTargets } from './support/hostile-targets';
import { send } from './support/http';
import { ROUTE_FIXTURES } from './support/route-fixtures';
import { clearRateLimits, securityWorld } from './support/security-world';

/** Write routes that take no JSON body: the upload is multipart (test/security/uploads). */
const NO_JSON_BODY = [
  'POST /api/applications/:id/submit',
  'POST /api/applications/:id/withdraw',
  'POST /api/applications/:id/materials',
];

/** Counters live in Redis: clearing them keeps a throttled route validating rather than answering 429. */
const RATE_LIMITED = ['POST /api/auth/login', 'POST /api/public/notices/:noticeId/objections'];

interface Outcome {
  hostile: HostileCase;
  status: number;
  code: unknown;
  problems: string[];
}

const prototypeNames = (): string =>
  [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype)]
    .sort()
    .join(',');

/**
 * Generated hostile bodies (issue #6): every field of every JSON write route
 * mutated to wrong values of its kind, and every body mangled as a whole.
 * Each must be answered with a 4xx in the contract's error shape with a stable
 * code, never a 5xx; no row may change and no prototype be polluted.
 */
describe('security: generated hostile bodies on every JSON write route', () => {
  let t: TestApp;
  let cases: HostileCase[];
  let baseline: Fingerprint;
  const outcomes: Outcome[] = [];
  const prototypesBefore = prototypeNames();

  beforeAll(async () => {
    t = await createTestApp();
    await resetDatabase(t);
    await clearRateLimits(t);
    const world = await securityWorld(t);
    const review = await getApplication(t, world.review.id, world.accounts.applicant.token);
    const propertyId = (review.properties as { id: string }[])[0].id;
    // An alert raised to the town about the review application, for its acknowledgement route.
    const alertId = await raiseAlert(t, world.review.id, 'overdue');
    cases = hostileCases(hostileTargets(world, propertyId, alertId));
    baseline = await fingerprint(t);
  }, 120_000);

  afterAll(async () => {
    const failed = outcomes.filter((o) => o.problems.length > 0);
    // Failures by what was sent and what came back, with the routes it happened on.
    const byKind = new Map<string, string[]>();
    for (const o of failed) {
      const kind = `${o.status} ${o.hostile.label}`;
      byKind.set(kind, [...(byKind.get(kind) ?? []), o.hostile.route]);
    }
    console.log(
      [
        `hostile bodies: ${outcomes.length} sent over ${new Set(outcomes.map((o) => o.hostile.route)).size} routes`,
        `  by group: ${JSON.stringify(tally(outcomes.map((o) => o.hostile.group)))}`,
        `  by status: ${JSON.stringify(tally(outcomes.map((o) => o.status)))}`,
        `  by code: ${JSON.stringify(tally(outcomes.map((o) => (o.status >= 400 ? String(o.code) : '(accepted)'))))}`,
        `  failed: ${failed.length}`,
        ...[...byKind].map(
          ([kind, routes]) => `    ${kind}: ${routes.length} × (${routes.join(', ')})`,
        ),
      ].join('\n'),
    );
    await t.close();
  });

  async function sendAll(group: HostileGroup): Promise<Outcome[]> {
    const mine: Outcome[] = [];
    for (const hostile of cases.filter((c) => c.group === group)) {
      if (RATE_LIMITED.includes(hostile.route)) await clearRateLimits(t);
      const answer = await send(t, hostile.spec, hostile.token);
      const problems =
        answer.status >= 400 && answer.status < 500
          ? errorShapeProblems(answer)
          : [`status ${answer.status}: ${answer.text.slice(0, 160)}`];
      // An accepted body may set work going in the background (an export): wait for it, so
      // that what it changes is put down to this body and not to the next.
      const after = answer.status < 300 ? await settledFingerprint() : await fingerprint(t);
      const changed = changedTables(baseline, after);
      if (changed.length > 0) {
        problems.push(`changed ${changed.join(', ')}`);
        baseline = after;
      }
      const polluted = ({} as Record<string, unknown>).polluted;
      if (polluted !== undefined || prototypeNames() !== prototypesBefore) {
        problems.push(`prototype polluted (${String(polluted)})`);
      }
      const outcome = {
        hostile,
        status: answer.status,
        code: (answer.body as { code?: unknown } | undefined)?.code,
        problems,
      };
      mine.push(outcome);
      outcomes.push(outcome);
    }
    return mine;
  }

  /** The fingerprint once two readings 200 ms apart agree (at most 5 s). */
  async function settledFingerprint(): Promise<Fingerprint> {
    let last = await fingerprint(t);
    for (let i = 0; i < 25; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const next = await fingerprint(t);
      if (changedTables(last, next).length === 0) return next;
      last = next;
    }
    return last;
  }

  const failures = (mine: Outcome[]) =>
    mine
      .filter((o) => o.problems.length > 0)
      .map((o) => `${o.hostile.route} [${o.hostile.label}]: ${o.problems.join('; ')}`);

  it('generates at least 1,000 bodies, over every write route that takes JSON', () => {
    const writes = Object.keys(ROUTE_FIXTURES).filter((key) => /^(POST|PUT|PATCH) /.test(key));
    const targeted = new Set(cases.map((c) => c.route));
    expect(writes.filter((key) => !targeted.has(key) && !NO_JSON_BODY.includes(key))).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
  });

  it('refuses every field set to a wrong value of its kind', async () => {
    expect(failures(await sendAll('field'))).toEqual([]);
  }, 600_000);

  it('refuses bodies of the wrong shape, encoding or size', async () => {
    expect(failures(await sendAll('shape'))).toEqual([]);
  }, 600_000);

  it('refuses deeply nested bodies with a 4xx, not a crash', async () => {
    expect(failures(await sendAll('nesting'))).toEqual([]);
  }, 600_000);

  // api.md "Errors": unknown fields are refused, never ignored; `__proto__` is a field name like any other.
  it('refuses __proto__ and constructor keys, and no prototype is polluted by them', async () => {
    expect(failures(await sendAll('prototype'))).toEqual([]);
  }, 600_000);

  it('gives the same status and code to the same body sent again', async () => {
    // Every tenth body that was refused (one that was accepted would now meet its own first copy).
    const sample = outcomes.filter((o, i) => i % 10 === 0 && o.problems.length === 0);
    const drift: string[] = [];
    for (const first of sample) {
      if (RATE_LIMITED.includes(first.hostile.route)) await clearRateLimits(t);
      const again = await send(t, first.hostile.spec, first.hostile.token);
      const code = (again.body as { code?: unknown } | undefined)?.code;
      if (again.status !== first.status || code !== first.code) {
        drift.push(
          `${first.hostile.route} [${first.hostile.label}]: ${first.status} ${String(first.code)} then ${again.status} ${String(code)}`,
        );
      }
    }
    expect(sample.length).toBeGreaterThan(50);
    expect(drift).toEqual([]);
  }, 600_000);
});
