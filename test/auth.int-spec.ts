import { createHmac } from 'node:crypto';
import {
  APPLICANT_PASSWORD,
  checkCharacter,
  registerApplicant,
  registrationBody,
  residentId,
} from './factories/applicants.factory';
import { createRegionTree, RegionTree } from './factories/regions.factory';
import { createStaff, STAFF_PASSWORD } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  login,
  resetDatabase,
  TestApp,
  withoutRowChanges,
} from './support/test-app';
import { TEST_ENV } from './support/test-env';

const USERS = ['users'];

const base64url = (value: object): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT made by hand: HS256 or HS512 with the given key. */
function signToken(payload: object, secret: string, alg: 'HS256' | 'HS512' = 'HS256'): string {
  const signed = `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}`;
  const hash = alg === 'HS256' ? 'sha256' : 'sha512';
  return `${signed}.${createHmac(hash, secret).update(signed).digest('base64url')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const withCheckCharacter = (first17: string): string => `${first17}${checkCharacter(first17)}`;
const withWrongCheckCharacter = (id: string): string =>
  `${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`;

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

describe('auth and accounts', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
  });

  const adminId = (): string => decodePayload(admin).sub as string;

  describe('POST /api/auth/register', () => {
    it('creates an applicant account and never returns the password or its hash', async () => {
      const body = registrationBody({ username: 'zhang.san' });
      const res = await t.http().post('/api/auth/register').send(body).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: 'zhang.san',
        name: '张三',
        role: 'applicant',
        regionId: null,
        disabled: false,
      });
      expect(res.body).not.toHaveProperty('password');
      expect(res.body).not.toHaveProperty('passwordHash');
      const [row] = await t.db.query(
        `SELECT password_hash FROM users WHERE username = 'zhang.san'`,
      );
      expect(row.password_hash).toMatch(/^scrypt\$/);
      await login(t, 'zhang.san', APPLICANT_PASSWORD);
    });

    it('refuses a username that is taken with 409 USERNAME_TAKEN', async () => {
      await registerApplicant(t, { username: 'li.si' });
      const res = await withoutRowChanges(t, USERS, () =>
        t
          .http()
          .post('/api/auth/register')
          .send(registrationBody({ username: 'li.si' })),
      );
      expectError(res, 409, 'USERNAME_TAKEN');
    });

    it('refuses an ID number that already has an account with 409 ID_NUMBER_REGISTERED', async () => {
      const idNumber = residentId();
      await registerApplicant(t, { idNumber });
      const res = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/register').send(registrationBody({ idNumber })),
      );
      expectError(res, 409, 'ID_NUMBER_REGISTERED');
    });

    it('refuses a body that is not JSON with 400 MALFORMED_BODY', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t
          .http()
          .post('/api/auth/register')
          .set('content-type', 'application/json')
          .send('{"username": "wang.wu", '),
      );
      expectError(res, 400, 'MALFORMED_BODY');
    });

    it('refuses an unknown field (here a self-chosen role) with 400 UNKNOWN_FIELD', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t
          .http()
          .post('/api/auth/register')
          .send(registrationBody({ role: 'admin' })),
      );
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'role' }),
      );
    });

    it('names every missing field at once', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/register').send({}),
      );
      const fields = expectError(res, 400, 'VALIDATION_FAILED').map((d) => d.field);
      expect(new Set(fields)).toEqual(
        new Set(['username', 'password', 'name', 'idNumber', 'phone']),
      );
    });

    // domain.md "Household": an ID number whose check character, birth date or
    // region code is invalid is rejected.
    it.each([
      ['19 characters long', `${residentId()}1`],
      ['one character long', 'x'],
      ['with a wrong check character', withWrongCheckCharacter(residentId())],
      ['with a birth date that does not exist', withCheckCharacter('36012419850230123')],
      ['with a region code that does not exist', withCheckCharacter('00000019850312123')],
    ])('refuses an ID number %s with 400 VALIDATION_FAILED', async (_what, idNumber) => {
      const res = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/register').send(registrationBody({ idNumber })),
      );
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ field: 'idNumber' }),
      );
    });
  });

  describe('POST /api/auth/login', () => {
    it('answers 200 with the token and the user', async () => {
      const applicant = await registerApplicant(t, { username: 'zhao.liu' });
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'zhao.liu', password: APPLICANT_PASSWORD })
        .expect(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        user: { id: applicant.id, username: 'zhao.liu', role: 'applicant', regionId: null },
      });
      await t.http().get('/api/regions').set(bearer(res.body.accessToken)).expect(200);
    });

    it('gives a wrong password and an unknown user the same 401 INVALID_CREDENTIALS', async () => {
      await registerApplicant(t, { username: 'sun.qi' });
      const wrong = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/login').send({ username: 'sun.qi', password: 'not-the-password' }),
      );
      const unknown = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/login').send({ username: 'nobody', password: APPLICANT_PASSWORD }),
      );
      expectError(wrong, 401, 'INVALID_CREDENTIALS');
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body.message).toBe(wrong.body.message);
    });

    it('refuses a body that is not JSON with 400 MALFORMED_BODY', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t.http().post('/api/auth/login').set('content-type', 'application/json').send('{root}'),
      );
      expectError(res, 400, 'MALFORMED_BODY');
    });

    it('refuses an unknown field with 400 UNKNOWN_FIELD', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t
          .http()
          .post('/api/auth/login')
          .send({ username: 'root', password: 'root-password', remember: true }),
      );
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 'remember' }),
      );
    });

    // PostgreSQL refuses a NUL in text: it must be refused before the query, not end in a 500.
    it('refuses a NUL in the username with 400 VALIDATION_FAILED naming it', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'ro\u0000ot', password: TEST_ENV.ADMIN_PASSWORD });
      expect(expectError(res, 400, 'VALIDATION_FAILED')).toEqual([
        expect.objectContaining({ code: 'INVALID_FIELD', field: 'username' }),
      ]);
    });

    // class-transformer drops these keys silently: the contract refuses unknown fields.
    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses a %s key with 400 UNKNOWN_FIELD',
      async (key) => {
        const res = await t
          .http()
          .post('/api/auth/login')
          .set('content-type', 'application/json')
          .send(`{"username":"root","password":"x","${key}":{"role":"admin"}}`);
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toEqual([
          expect.objectContaining({ code: 'UNKNOWN_FIELD', field: key }),
        ]);
      },
    );

    it('refuses 10,000 nested arrays with 400 BODY_TOO_DEEP, not a stack overflow', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
      expectError(res, 400, 'BODY_TOO_DEEP');
    });
  });

  describe('bearer tokens on protected routes', () => {
    const probe = (authorization?: string) => {
      const req = t.http().get('/api/users');
      return authorization === undefined ? req : req.set('authorization', authorization);
    };

    it('accepts a token made by hand with the service key (the control for the cases below)', async () => {
      const token = signToken({ sub: adminId(), exp: nowSeconds() + 600 }, TEST_ENV.JWT_SECRET);
      await probe(`Bearer ${token}`).expect(200);
    });

    it('answers 401 without a token', async () => {
      expectError(await probe(), 401, 'UNAUTHENTICATED');
    });

    it.each(['Bearer garbage', 'Bearer a.b.c', 'Basic cm9vdDpyb290LXBhc3N3b3Jk', 'Bearer '])(
      'answers 401 to the header %p',
      async (header) => {
        expectError(await probe(header), 401, 'UNAUTHENTICATED');
      },
    );

    it('answers 401 to an unsigned token (alg none) naming the real administrator', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: adminId() })}.`;
      expectError(await probe(`Bearer ${token}`), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 to a token signed with another key', async () => {
      const token = signToken(
        { sub: adminId(), exp: nowSeconds() + 600 },
        'another-secret-that-is-long-enough-for-hs256-111',
      );
      expectError(await probe(`Bearer ${token}`), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 to a token signed with the service key but another algorithm (HS512)', async () => {
      const token = signToken(
        { sub: adminId(), exp: nowSeconds() + 600 },
        TEST_ENV.JWT_SECRET,
        'HS512',
      );
      expectError(await probe(`Bearer ${token}`), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 to an expired token', async () => {
      const token = signToken(
        { sub: adminId(), iat: nowSeconds() - 7200, exp: nowSeconds() - 60 },
        TEST_ENV.JWT_SECRET,
      );
      expectError(await probe(`Bearer ${token}`), 401, 'UNAUTHENTICATED');
    });

    it('answers 401 to a token signed with the service key whose subject is not a UUID', async () => {
      const token = signToken({ sub: "root'; --", exp: nowSeconds() + 600 }, TEST_ENV.JWT_SECRET);
      expectError(await probe(`Bearer ${token}`), 401, 'UNAUTHENTICATED');
    });

    it("answers 401 to an applicant's token whose subject was changed to the administrator", async () => {
      const applicant = await registerApplicant(t);
      expectError(await probe(`Bearer ${applicant.token}`), 403, 'FORBIDDEN');
      const [header, payload, signature] = applicant.token.split('.');
      const edited = base64url({ ...decodePayload(applicant.token), sub: adminId() });
      expect(edited).not.toBe(payload);
      expectError(await probe(`Bearer ${header}.${edited}.${signature}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('PATCH /api/users/:id', () => {
    let tree: RegionTree;
    beforeEach(async () => {
      tree = await createRegionTree(t, admin, 1, 1);
    });

    const patch = (id: string, body: object, token = admin) =>
      t.http().patch(`/api/users/${id}`).set(bearer(token)).send(body);

    it('disables an account: its old token gets 401 and it can no longer log in', async () => {
      const reviewer = await createStaff(
        t,
        admin,
        'community_reviewer',
        tree.towns[0].communities[0],
      );
      await t.http().get('/api/regions').set(bearer(reviewer.token)).expect(200);

      const res = await patch(reviewer.id, { disabled: true }).expect(200);
      expect(res.body).toMatchObject({ id: reviewer.id, disabled: true });

      expectError(
        await t.http().get('/api/regions').set(bearer(reviewer.token)),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: reviewer.username, password: STAFF_PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('enables a disabled account again with {disabled: false}', async () => {
      const applicant = await registerApplicant(t);
      await patch(applicant.id, { disabled: true }).expect(200);
      await patch(applicant.id, { disabled: false }).expect(200);
      await login(t, applicant.username, APPLICANT_PASSWORD);
    });

    it('leaves a disabled account disabled when the body names no field', async () => {
      const applicant = await registerApplicant(t);
      await patch(applicant.id, { disabled: true }).expect(200);

      const res = await patch(applicant.id, {}).expect(200);
      expect(res.body).toMatchObject({ id: applicant.id, disabled: true });
      expectError(
        await t
          .http()
          .post('/api/auth/login')
          .send({ username: applicant.username, password: APPLICANT_PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
    });

    it('answers 404 for an unknown user and 403 to a non-admin', async () => {
      expectError(
        await patch('00000000-0000-4000-8000-000000000000', { disabled: true }),
        404,
        'NOT_FOUND',
      );
      const applicant = await registerApplicant(t);
      expectError(await patch(applicant.id, { disabled: true }, applicant.token), 403, 'FORBIDDEN');
      await login(t, applicant.username, APPLICANT_PASSWORD);
    });
  });

  describe('the administrator from ADMIN_USERNAME / ADMIN_PASSWORD', () => {
    it('exists after start-up: root logs in as admin', async () => {
      const res = await t
        .http()
        .post('/api/auth/login')
        .send({ username: TEST_ENV.ADMIN_USERNAME, password: TEST_ENV.ADMIN_PASSWORD })
        .expect(200);
      expect(res.body.user).toMatchObject({ username: 'root', role: 'admin', regionId: null });
    });

    it('is created by a start-up that finds no such user, and only then', async () => {
      const started = await createTestApp({
        CLOCK: 'system',
        ADMIN_USERNAME: 'boot-admin',
        ADMIN_PASSWORD: 'boot-password-1',
      });
      try {
        const res = await started
          .http()
          .post('/api/auth/login')
          .send({ username: 'boot-admin', password: 'boot-password-1' })
          .expect(200);
        expect(res.body.user.role).toBe('admin');
      } finally {
        await started.close();
      }
    });

    it('leaves an existing user of that name alone (its password is not reset)', async () => {
      const started = await createTestApp({
        CLOCK: 'system',
        ADMIN_PASSWORD: 'another-password-1',
      });
      try {
        await login(started, TEST_ENV.ADMIN_USERNAME, TEST_ENV.ADMIN_PASSWORD);
        expectError(
          await started
            .http()
            .post('/api/auth/login')
            .send({ username: TEST_ENV.ADMIN_USERNAME, password: 'another-password-1' }),
          401,
          'INVALID_CREDENTIALS',
        );
      } finally {
        await started.close();
      }
    });
  });

  describe('POST /api/users', () => {
    let tree: RegionTree;
    beforeEach(async () => {
      tree = await createRegionTree(t, admin, 1, 1);
    });

    const regionOf = (level: string): string =>
      ({ county: tree.countyId, town: tree.towns[0].id, community: tree.towns[0].communities[0] })[
        level
      ]!;

    const createUser = (body: Record<string, unknown>, token = admin) =>
      t
        .http()
        .post('/api/users')
        .set(bearer(token))
        .send({ username: 'staff.one', password: STAFF_PASSWORD, name: '王审核', ...body });

    it.each([
      ['community_reviewer', 'community'],
      ['town_reviewer', 'town'],
      ['bureau_reviewer', 'county'],
      ['admin', 'county'],
    ])('creates the role %s bound to a %s (201), who can then log in', async (role, level) => {
      const regionId = regionOf(level);
      const res = await createUser({ role, regionId }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        username: 'staff.one',
        name: '王审核',
        role,
        regionId,
        disabled: false,
      });
      const loggedIn = await t
        .http()
        .post('/api/auth/login')
        .send({ username: 'staff.one', password: STAFF_PASSWORD })
        .expect(200);
      expect(loggedIn.body.user).toEqual({
        id: res.body.id,
        username: 'staff.one',
        role,
        regionId,
      });
    });

    it('creates an admin bound to no region (201)', async () => {
      const res = await createUser({ role: 'admin' }).expect(201);
      expect(res.body).toMatchObject({ role: 'admin', regionId: null });
    });

    it.each([
      ['community_reviewer', 'town'],
      ['community_reviewer', 'county'],
      ['town_reviewer', 'community'],
      ['town_reviewer', 'county'],
      ['bureau_reviewer', 'town'],
      ['admin', 'community'],
    ])('refuses the role %s bound to a %s with 422 REGION_LEVEL_MISMATCH', async (role, level) => {
      const res = await withoutRowChanges(t, USERS, () =>
        createUser({ role, regionId: regionOf(level) }),
      );
      expectError(res, 422, 'REGION_LEVEL_MISMATCH');
    });

    it.each(['community_reviewer', 'town_reviewer', 'bureau_reviewer'])(
      'refuses the role %s with no region with 422 REGION_REQUIRED',
      async (role) => {
        const res = await withoutRowChanges(t, USERS, () => createUser({ role }));
        expectError(res, 422, 'REGION_REQUIRED');
      },
    );

    it('refuses an applicant and a community reviewer with 403 FORBIDDEN', async () => {
      const applicant = await registerApplicant(t);
      const reviewer = await createStaff(t, admin, 'community_reviewer', regionOf('community'));
      for (const token of [applicant.token, reviewer.token]) {
        const res = await withoutRowChanges(t, USERS, () =>
          createUser({ role: 'community_reviewer', regionId: regionOf('community') }, token),
        );
        expectError(res, 403, 'FORBIDDEN');
      }
    });

    it.each(['superuser', 'applicant'])(
      'refuses the role %p with 400 VALIDATION_FAILED',
      async (role) => {
        const res = await withoutRowChanges(t, USERS, () =>
          createUser({ role, regionId: regionOf('county') }),
        );
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
          expect.objectContaining({ field: 'role' }),
        );
      },
    );

    it('refuses a username that is taken with 409 USERNAME_TAKEN', async () => {
      await createUser({ role: 'admin' }).expect(201);
      const res = await withoutRowChanges(t, USERS, () => createUser({ role: 'admin' }));
      expectError(res, 409, 'USERNAME_TAKEN');
    });

    it('answers 401 without a token', async () => {
      const res = await withoutRowChanges(t, USERS, () =>
        t
          .http()
          .post('/api/users')
          .send({ username: 'x1y', password: STAFF_PASSWORD, name: 'x', role: 'admin' }),
      );
      expectError(res, 401, 'UNAUTHENTICATED');
    });
  });

  describe('an administrator bound to a county', () => {
    let a: RegionTree;
    let b: RegionTree;
    let countyAdmin: { id: string; token: string };
    let inA: { id: string };
    let inB: { id: string };

    beforeEach(async () => {
      a = await createRegionTree(t, admin, 1, 1);
      b = await createRegionTree(t, admin, 1, 1);
      countyAdmin = await createStaff(t, admin, 'admin', a.countyId);
      inA = await createStaff(t, admin, 'community_reviewer', a.towns[0].communities[0]);
      inB = await createStaff(t, admin, 'community_reviewer', b.towns[0].communities[0]);
    });

    const createUser = (body: Record<string, unknown>) =>
      t
        .http()
        .post('/api/users')
        .set(bearer(countyAdmin.token))
        .send({ username: 'county.made', password: STAFF_PASSWORD, name: '王审核', ...body });

    it('makes accounts inside its county (201)', async () => {
      await createUser({
        role: 'community_reviewer',
        regionId: a.towns[0].communities[0],
      }).expect(201);
    });

    it.each<[string, () => Record<string, unknown>]>([
      [
        'a reviewer of a community of another county',
        () => ({ role: 'community_reviewer', regionId: b.towns[0].communities[0] }),
      ],
      ['an administrator of another county', () => ({ role: 'admin', regionId: b.countyId })],
    ])('answers 404 NOT_FOUND to %s, making no account', async (_what, body) => {
      expectError(await withoutRowChanges(t, USERS, () => createUser(body())), 404, 'NOT_FOUND');
    });

    it('refuses an administrator bound to no region with 403 FORBIDDEN, making no account', async () => {
      const res = await withoutRowChanges(t, USERS, () => createUser({ role: 'admin' }));
      expectError(res, 403, 'FORBIDDEN');
    });

    it('lists only the accounts bound inside its county', async () => {
      await registerApplicant(t);
      const res = await t.http().get('/api/users').set(bearer(countyAdmin.token)).expect(200);
      expect((res.body as { id: string }[]).map((u) => u.id).sort()).toEqual(
        [countyAdmin.id, inA.id].sort(),
      );
      const all = await t.http().get('/api/users').set(bearer(admin)).expect(200);
      expect(all.body).toHaveLength(5);
    });

    it('disables an account of its county, and answers 404 for one elsewhere, changing nothing', async () => {
      const patch = (id: string) =>
        t.http().patch(`/api/users/${id}`).set(bearer(countyAdmin.token)).send({ disabled: true });
      await patch(inA.id).expect(200);
      for (const id of [inB.id, adminId(), (await registerApplicant(t)).id]) {
        expectError(await patch(id), 404, 'NOT_FOUND');
      }
      const [{ n }]: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM users WHERE disabled`,
      );
      expect(Number(n)).toBe(1);
    });
  });
});
