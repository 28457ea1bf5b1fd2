import { createHmac, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';

const encode = (part: object | string): string =>
  Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');

const decode = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

const hmac = (hash: string, key: string, input: string): string =>
  createHmac(hash, key).update(input).digest('base64url');

/** A JWT with this header and payload, signed by `sign` over `header.payload`. */
export function forge(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign(input)}`;
}

/** HS256/384/512 with the given key. */
export function signedWith(key: string, payload: object, alg = 'HS256'): string {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return forge({ alg, typ: 'JWT' }, payload, (input) => hmac(hash, key, input));
}

/** The token with its payload edited, the signature left as it was. */
export function edited(
  token: string,
  change: (payload: Record<string, unknown>) => object,
): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${encode(change(decode(payload)))}.${signature}`;
}

export const payloadOf = (token: string): Record<string, unknown> => decode(token.split('.')[1]);

const attackerRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export interface Victim {
  id: string;
  /** A token the service issued to the victim: the control, and the base of edits. */
  token: string;
}

export interface Attack {
  name: string;
  token: (victim: Victim, serviceKey: string) => string;
}

const now = (): number => Math.floor(Date.now() / 1000);
const valid = (sub: unknown): Record<string, unknown> => ({ sub, iat: now(), exp: now() + 600 });

/**
 * Every way of presenting a token the service did not issue for this account
 * and this moment. Each must be answered 401 on every route.
 */
export const ATTACKS: Attack[] = [
  {
    name: 'alg none, no signature',
    token: (v) => forge({ alg: 'none', typ: 'JWT' }, valid(v.id), () => ''),
  },
  { name: 'alg None', token: (v) => forge({ alg: 'None', typ: 'JWT' }, valid(v.id), () => '') },
  { name: 'alg NONE', token: (v) => forge({ alg: 'NONE', typ: 'JWT' }, valid(v.id), () => '') },
  {
    name: 'alg none keeping the real signature',
    token: (v) => {
      const [, payload, signature] = v.token.split('.');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
    },
  },
  {
    name: 'no alg in the header',
    token: (v, key) => forge({ typ: 'JWT' }, valid(v.id), (input) => hmac('sha256', key, input)),
  },
  {
    name: 'HS256 with another key',
    token: (v) => signedWith('another-secret-that-is-long-enough-for-hs256-999', valid(v.id)),
  },
  { name: 'HS256 with an empty key', token: (v) => signedWith('', valid(v.id)) },
  { name: 'HS512 with the service key', token: (v, key) => signedWith(key, valid(v.id), 'HS512') },
  { name: 'HS384 with the service key', token: (v, key) => signedWith(key, valid(v.id), 'HS384') },
  {
    name: 'RS256 header, HMAC-signed with the service key as if it were the public key',
    token: (v, key) =>
      forge({ alg: 'RS256', typ: 'JWT' }, valid(v.id), (input) => hmac('sha256', key, input)),
  },
  {
    name: 'RS256 signed by the attacker, public key embedded (jwk)',
    token: (v) =>
      forge(
        {
          alg: 'RS256',
          typ: 'JWT',
          jwk: attackerRsa.publicKey.export({ format: 'jwk' }),
        },
        valid(v.id),
        (input) => createSign('RSA-SHA256').update(input).sign(attackerRsa.privateKey, 'base64url'),
      ),
  },
  {
    name: 'ES256 signed by the attacker',
    token: (v) =>
      forge({ alg: 'ES256', typ: 'JWT' }, valid(v.id), (input) =>
        createSign('SHA256')
          .update(input)
          .sign({ key: attackerEc.privateKey, dsaEncoding: 'ieee-p1363' }, 'base64url'),
      ),
  },
  {
    name: 'a kid pointing at a file',
    token: (v) =>
      forge({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, valid(v.id), (input) =>
        hmac('sha256', '', input),
      ),
  },
  {
    name: 'expired an hour ago',
    token: (v, key) => signedWith(key, { sub: v.id, iat: now() - 7200, exp: now() - 3600 }),
  },
  {
    name: 'expired a few seconds ago',
    token: (v, key) => signedWith(key, { sub: v.id, iat: now() - 600, exp: now() - 5 }),
  },
  {
    name: 'not valid before an hour from now',
    token: (v, key) => signedWith(key, { ...valid(v.id), nbf: now() + 3600 }),
  },
  {
    name: 'exp as a string',
    token: (v, key) => signedWith(key, { sub: v.id, iat: now(), exp: String(now() + 600) }),
  },
  {
    name: 'the payload edited to another subject, signature kept',
    token: (v) => edited(v.token, (p) => ({ ...p, sub: randomUUID() })),
  },
  {
    name: 'a role claim added, signature kept (unsigned edit)',
    token: (v) => edited(v.token, (p) => ({ ...p, role: 'admin' })),
  },
  {
    name: 'a role claim added, re-signed with another key',
    token: (v) =>
      signedWith('another-secret-that-is-long-enough-for-hs256-999', {
        ...payloadOf(v.token),
        role: 'admin',
      }),
  },
  {
    name: 'the expiry pushed back a year, signature kept',
    token: (v) => edited(v.token, (p) => ({ ...p, exp: now() + 365 * 24 * 3600 })),
  },
  {
    name: 'the signature of another token',
    token: (v, key) => {
      const other = signedWith(key, valid(randomUUID())).split('.')[2];
      const [header, payload] = v.token.split('.');
      return `${header}.${payload}.${other}`;
    },
  },
  {
    name: 'the signature truncated by one character',
    token: (v) => v.token.slice(0, -1),
  },
  { name: 'the signature removed', token: (v) => v.token.split('.').slice(0, 2).join('.') + '.' },
  {
    name: 'a service-key token for an account that does not exist',
    token: (_v, key) => signedWith(key, valid(randomUUID())),
  },
  {
    name: 'a service-key token whose subject is not a UUID',
    token: (_v, key) => signedWith(key, valid('root')),
  },
  {
    name: 'a service-key token whose subject is a number',
    token: (_v, key) => signedWith(key, valid(42)),
  },
  {
    name: 'a service-key token whose subject is an object',
    token: (v, key) => signedWith(key, valid({ id: v.id })),
  },
  {
    name: 'a service-key token with no subject',
    token: (_v, key) => signedWith(key, { iat: now(), exp: now() + 600 }),
  },
  { name: 'garbage', token: () => 'garbage' },
  { name: 'three dots', token: () => '...' },
  { name: 'a.b.c', token: () => 'a.b.c' },
  { name: 'four parts', token: (v) => `${v.token}.x` },
  { name: '8,000 characters', token: () => `${'a'.repeat(4000)}.${'b'.repeat(3998)}.c` },
  { name: 'non-base64url characters', token: (v) => v.token.replace(/\./, '.+/=') },
];

/**
 * Authorization headers that do not present the victim's valid token the one
 * accepted way. (A trailing space is no such form: HTTP strips it before the app.)
 */
export const HEADER_FORMS: { name: string; header: (token: string) => string }[] = [
  { name: 'the token without "Bearer "', header: (token) => token },
  { name: '"Bearer" twice', header: (token) => `Bearer Bearer ${token}` },
  { name: 'two spaces after Bearer', header: (token) => `Bearer  ${token}` },
  { name: 'two tokens, comma-separated', header: (token) => `Bearer ${token}, Bearer ${token}` },
  { name: 'the Token scheme', header: (token) => `Token ${token}` },
  { name: '"Bearer" alone', header: () => 'Bearer' },
  { name: '"Bearer " and nothing', header: () => 'Bearer ' },
  {
    name: 'Basic credentials',
    header: () => `Basic ${Buffer.from('root:root-password').toString('base64')}`,
  },
  { name: 'a tab instead of the space', header: (token) => `Bearer\t${token}` },
  { name: 'a second space-separated token', header: (token) => `Bearer ${token} ${token}` },
];
