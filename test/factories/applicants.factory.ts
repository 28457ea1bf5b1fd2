import { login, TestApp } from '../support/test-app';

export const APPLICANT_PASSWORD = 'applicant-password-1';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

let serial = 0;

/** The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits. */
export function checkCharacter(first17: string): string {
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * WEIGHTS[i], 0);
  return CHECK_CHARACTERS[sum % 11];
}

/** A valid 18-character resident ID number, a different one on each call (进贤县 by default). */
export function residentId(birthDate = '19850312', regionCode = '360124'): string {
  const sequence = String(100 + (serial++ % 900));
  const first17 = `${regionCode}${birthDate}${sequence}`;
  return `${first17}${checkCharacter(first17)}`;
}

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    username: `applicant${serial++}`,
    password: APPLICANT_PASSWORD,
    name: '张三',
    idNumber: residentId(),
    phone: '13800138000',
    ...overrides,
  };
}

/** Registers an applicant through the API and returns its id, username and a token. */
export async function registerApplicant(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; token: string; username: string }> {
  const body = registrationBody(overrides);
  const res = await t.http().post('/api/auth/register').send(body).expect(201);
  const username = body.username as string;
  return {
    id: (res.body as { id: string }).id,
    token: await login(t, username, APPLICANT_PASSWORD),
    username,
  };
}
