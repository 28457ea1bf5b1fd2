import { TestApp } from '../../support/test-app';
import { errorShapeProblems } from './contract';
import { changedTables, fingerprint } from './db-fingerprint';
import { describeSpec, send } from './http';
import { Jurisdiction, Outcome, RouteFixture } from './route-fixtures';
import { Caller, SecurityWorld, tokenOf } from './security-world';

export interface CaseResult {
  route: string;
  caller: Caller;
  where: Jurisdiction;
  request: string;
  expected: string;
  status: number;
  problems: string[];
}

export function isAllowed(fixture: RouteFixture, caller: Caller): boolean {
  if (fixture.access === 'public') return true;
  return caller !== 'anonymous' && fixture.access.includes(caller);
}

/** What the caller must get: refused callers by the contract's rule, the others by the fixture. */
export function expectedOutcome(
  fixture: RouteFixture,
  caller: Caller,
  where: Jurisdiction,
  w: SecurityWorld,
): Outcome {
  if (!isAllowed(fixture, caller)) {
    return caller === 'anonymous'
      ? { status: 401, code: 'UNAUTHENTICATED' }
      : { status: 403, code: 'FORBIDDEN' };
  }
  if (where === 'in') return fixture.inside(caller, w);
  return typeof fixture.outside === 'function'
    ? fixture.outside(caller, w)
    : { status: 404, code: 'NOT_FOUND' };
}

const describeOutcome = (o: Outcome): string =>
  'label' in o
    ? `${o.status} (${o.label})`
    : `${o.status}${'code' in o && o.code ? ` ${o.code}` : ''}`;

/**
 * Runs one (route, caller, jurisdiction) case. Whatever is refused, and
 * whatever is aimed outside, must leave every data table as it was.
 */
export async function runCase(
  t: TestApp,
  w: SecurityWorld,
  route: string,
  fixture: RouteFixture,
  caller: Caller,
  where: Jurisdiction,
): Promise<CaseResult> {
  const spec = await fixture.request(w, caller, where, t);
  const expected = expectedOutcome(fixture, caller, where, w);
  const mustChangeNothing = where === 'out' || expected.status >= 400;
  const before = mustChangeNothing ? await fingerprint(t) : undefined;
  const answer = await send(t, spec, tokenOf(w, caller));

  const problems: string[] = [];
  if (answer.status !== expected.status) {
    problems.push(`status ${answer.status}: ${answer.text.slice(0, 160)}`);
  } else if ('check' in expected) {
    problems.push(...expected.check(answer));
  } else if (expected.status >= 400) {
    problems.push(...errorShapeProblems(answer, expected.status, expected.code));
  }
  if (before) {
    const changed = changedTables(before, await fingerprint(t));
    if (changed.length > 0) problems.push(`changed ${changed.join(', ')}`);
  }
  if (!mustChangeNothing && fixture.settle && answer.status < 300) {
    await fixture.settle(t, answer, w, caller);
  }
  return {
    route,
    caller,
    where,
    request: describeSpec(spec),
    expected: describeOutcome(expected),
    status: answer.status,
    problems,
  };
}
