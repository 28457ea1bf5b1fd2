import { registerApplicant } from './factories/applicants.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';

/**
 * Two API processes on one database: an account disabled through one is shut
 * out of the other within the other's ACCOUNT_CACHE_SECONDS (the process that
 * disabled it shuts it out at once: test/auth.int-spec.ts).
 */
describe('Accounts cached by an API process (ACCOUNT_CACHE_SECONDS)', () => {
  let longCache: TestApp;
  let shortCache: TestApp;
  let uncached: TestApp;
  let other: TestApp;
  let root: string;

  beforeAll(async () => {
    longCache = await createTestApp({ ACCOUNT_CACHE_SECONDS: '60' }, { withWorker: false });
    shortCache = await createTestApp({ ACCOUNT_CACHE_SECONDS: '1' }, { withWorker: false });
    uncached = await createTestApp({ ACCOUNT_CACHE_SECONDS: '0' }, { withWorker: false });
    other = await createTestApp({}, { withWorker: false });
    await resetDatabase(other);
    root = await adminToken(other);
  });
  afterAll(async () => {
    await Promise.all([longCache.close(), shortCache.close(), uncached.close(), other.close()]);
  });

  const regions = (t: TestApp, token: string) => t.http().get('/api/regions').set(bearer(token));

  const disableThroughOther = (id: string) =>
    other.http().patch(`/api/users/${id}`).set(bearer(root)).send({ disabled: true }).expect(200);

  it('serves an account it read without reading it again: the window the setting bounds', async () => {
    const applicant = await registerApplicant(other);
    await regions(longCache, applicant.token).expect(200);

    await disableThroughOther(applicant.id);
    await regions(longCache, applicant.token).expect(200);
    expectError(await regions(uncached, applicant.token), 401, 'UNAUTHENTICATED');
  });

  it('reads the account again once its TTL has run out, and refuses it', async () => {
    const applicant = await registerApplicant(other);
    await regions(shortCache, applicant.token).expect(200);

    await disableThroughOther(applicant.id);
    const disabledAt = Date.now();
    let status = 200;
    // Generous bound: a loaded machine may stall; the cached second is what is tested.
    while (status === 200 && Date.now() - disabledAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await regions(shortCache, applicant.token)).status;
    }
    expect(status).toBe(401);
  });

  it('with ACCOUNT_CACHE_SECONDS=0 reads the account on every request', async () => {
    const applicant = await registerApplicant(other);
    await regions(uncached, applicant.token).expect(200);

    await disableThroughOther(applicant.id);
    expectError(await regions(uncached, applicant.token), 401, 'UNAUTHENTICATED');
  });
});
