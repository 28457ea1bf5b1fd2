import type { Server } from 'node:http';
import { registerApplicant } from '../factories/applicants.factory';
import { createDraft, familyBody } from '../factories/applications.factory';
import { createCampaign } from '../factories/campaigns.factory';
import { createRegionTree, RegionTree } from '../factories/regions.factory';
import { adminToken, bearer, createTestApp, resetDatabase, TestApp } from '../support/test-app';
import { TEST_ENV } from '../support/test-env';
import { errorShapeProblems } from './support/contract';
import { changedTables, fingerprint } from './support/db-fingerprint';
import { ATTACKS, HEADER_FORMS, payloadOf, signedWith, Victim } from './support/forged-tokens';
import { RequestSpec, send } from './support/http';
import { listen, rawExchange } from './support/raw-http';

/**
 * The complete token attack matrix (issue #6). test/auth.int-spec.ts checks a
 * few of these on GET /api/users; here every attack is aimed at the bootstrap
 * administrator and at an applicant, on a route of each kind: an admin-only
 * list, an owner's read, an applicant's write. Each must be 401 in the
 * contract's shape and change nothing, while the victim's real token,
 * sent to the same routes, succeeds (the control).
 */
describe('security: JWT attacks', () => {
  let t: TestApp;
  let tree: RegionTree;
  let campaignId: string;
  let root: Victim;
  let applicant: Victim;
  let draftId: string;
  const key = TEST_ENV.JWT_SECRET;
  const ACCOUNT_CACHE_SECONDS = 1;

  beforeAll(async () => {
    // Accounts cached as in production, for a second: the deleted-account case outwaits it.
    t = await createTestApp({ ACCOUNT_CACHE_SECONDS: String(ACCOUNT_CACHE_SECONDS) });
    await resetDatabase(t);
    const rootToken = await adminToken(t);
    root = { id: payloadOf(rootToken).sub as string, token: rootToken };
    tree = await createRegionTree(t, rootToken, 1, 1);
    campaignId = (await createCampaign(t, rootToken, tree.countyId, { referenceIncome: 20000 })).id;
    const p = await registerApplicant(t);
    applicant = { id: p.id, token: p.token };
    draftId = (await createDraft(t, p.token, familyBody(campaignId, tree.towns[0].communities[0])))
      .id;
  });
  afterAll(() => t.close());

  /** What each victim's token opens: the probes every attack is sent to. */
  const probes = (): { victim: Victim; spec: RequestSpec; ok: number }[] => [
    { victim: root, spec: { method: 'GET', path: '/api/users' }, ok: 200 },
    { victim: applicant, spec: { method: 'GET', path: `/api/applications/${draftId}` }, ok: 200 },
    {
      victim: applicant,
      spec: {
        method: 'POST',
        path: '/api/applications',
        json: familyBody(campaignId, tree.towns[0].communities[0]),
      },
      ok: 201,
    },
  ];

  /** 401 in the contract's shape, with every data table as it was. */
  async function refusedProblems(spec: RequestSpec, authorization: string): Promise<string[]> {
    const before = await fingerprint(t);
    const answer = await send(t, { ...spec, headers: { ...spec.headers, authorization } });
    const problems = errorShapeProblems(answer, 401, 'UNAUTHENTICATED');
    const changed = changedTables(before, await fingerprint(t));
    return changed.length > 0 ? [...problems, `changed ${changed.join(', ')}`] : problems;
  }

  it("opens every probe with the victim's own token (the control)", async () => {
    for (const probe of probes()) {
      expect((await send(t, probe.spec, probe.victim.token)).status).toBe(probe.ok);
    }
  });

  it(`refuses all ${ATTACKS.length} forged, edited, expired and malformed tokens with 401 on every probe`, async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const attack of ATTACKS) {
      for (const probe of probes()) {
        const token = attack.token(probe.victim, key);
        const problems = await refusedProblems(probe.spec, `Bearer ${token}`);
        sent++;
        if (problems.length > 0) {
          failures.push(
            `${attack.name} → ${probe.spec.method} ${probe.spec.path}: ${problems.join('; ')}`,
          );
        }
      }
    }
    console.log(
      `JWT attacks: ${sent} requests (${ATTACKS.length} attacks × ${probes().length} probes)`,
    );
    expect(failures).toEqual([]);
  });

  it(`refuses the victim's real token in ${HEADER_FORMS.length} wrong Authorization forms with 401`, async () => {
    const failures: string[] = [];
    for (const form of HEADER_FORMS) {
      for (const probe of probes()) {
        const problems = await refusedProblems(probe.spec, form.header(probe.victim.token));
        if (problems.length > 0)
          failures.push(`${form.name} → ${probe.spec.path}: ${problems.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('accepts a token only in the Authorization header: not in the query, a cookie or another header', async () => {
    const path = `/api/applications/${draftId}`;
    const elsewhere: RequestSpec[] = [
      { method: 'GET', path, query: { access_token: applicant.token } },
      { method: 'GET', path, query: { token: applicant.token } },
      { method: 'GET', path, headers: { cookie: `access_token=${applicant.token}` } },
      { method: 'GET', path, headers: { 'x-access-token': applicant.token } },
    ];
    for (const spec of elsewhere) {
      expect(errorShapeProblems(await send(t, spec), 401, 'UNAUTHENTICATED')).toEqual([]);
    }
  });

  it('ignores a role claim even in a token signed with the service key: the role is read from the account', async () => {
    const promoted = signedWith(key, { ...payloadOf(applicant.token), role: 'admin' });
    expect(
      errorShapeProblems(
        await send(t, { method: 'GET', path: '/api/users' }, promoted),
        403,
        'FORBIDDEN',
      ),
    ).toEqual([]);
    expect(
      (await send(t, { method: 'GET', path: `/api/applications/${draftId}` }, promoted)).status,
    ).toBe(200);
  });

  // Node keeps the first of repeated Authorization headers and discards the rest:
  // a forged first header must not fall through to a real one behind it.
  it('refuses two Authorization headers whose first is forged, though the second is real', async () => {
    const server = t.app.getHttpServer() as Server;
    const port = await listen(server);
    try {
      const status = await rawExchange(
        port,
        `GET /api/applications/${draftId} HTTP/1.1\r\nHost: localhost\r\n` +
          `Authorization: Bearer ${ATTACKS[0].token(applicant, key)}\r\n` +
          `Authorization: Bearer ${applicant.token}\r\nConnection: close\r\n\r\n`,
        Buffer.alloc(0),
      );
      expect(status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  describe('tokens of accounts that changed after they were issued', () => {
    async function expectAllRefused(token: string): Promise<void> {
      const failures: string[] = [];
      for (const probe of probes()) {
        const problems = await refusedProblems(probe.spec, `Bearer ${token}`);
        if (problems.length > 0) failures.push(`${probe.spec.path}: ${problems.join('; ')}`);
      }
      expect(failures).toEqual([]);
    }

    it('refuses the token of an account an administrator disabled, and honours it again once re-enabled', async () => {
      const victim = await registerApplicant(t);
      const draft = await createDraft(
        t,
        victim.token,
        familyBody(campaignId, tree.towns[0].communities[0]),
      );
      await t.http().get(`/api/applications/${draft.id}`).set(bearer(victim.token)).expect(200);

      await t
        .http()
        .patch(`/api/users/${victim.id}`)
        .set(bearer(root.token))
        .send({ disabled: true })
        .expect(200);
      await expectAllRefused(victim.token);
      expect(
        (await send(t, { method: 'GET', path: `/api/applications/${draft.id}` }, victim.token))
          .status,
      ).toBe(401);

      await t
        .http()
        .patch(`/api/users/${victim.id}`)
        .set(bearer(root.token))
        .send({ disabled: false })
        .expect(200);
      await t.http().get(`/api/applications/${draft.id}`).set(bearer(victim.token)).expect(200);
    });

    it('refuses the token of an account that no longer exists', async () => {
      const victim = await registerApplicant(t);
      await t.http().get('/api/regions').set(bearer(victim.token)).expect(200);
      // There is no API to delete an account: the row goes as an operator would remove it.
      await t.db.query(`DELETE FROM users WHERE id = $1`, [victim.id]);
      // Behind the service's back, so the process notices once its cached read expires.
      await new Promise((resolve) => setTimeout(resolve, ACCOUNT_CACHE_SECONDS * 1000 + 100));
      await expectAllRefused(victim.token);
    });
  });
});
