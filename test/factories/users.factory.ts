import { login, TestApp } from '../support/test-app';

export const STAFF_PASSWORD = 'staff-password-1';

let serial = 0;

/** Creates a staff account through the admin API and returns its id and a token. */
export async function createStaff(
  t: TestApp,
  adminToken: string,
  role: string,
  regionId?: string,
  name = '王审核',
): Promise<{ id: string; token: string; username: string }> {
  const username = `${role.split('_')[0]}${serial++}`;
  const res = await t
    .http()
    .post('/api/users')
    .set('authorization', `Bearer ${adminToken}`)
    .send({ username, password: STAFF_PASSWORD, name, role, regionId })
    .expect(201);
  return {
    id: (res.body as { id: string }).id,
    token: await login(t, username, STAFF_PASSWORD),
    username,
  };
}
