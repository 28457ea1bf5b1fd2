import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * scrypt, a memory-hard function built into Node.js: no native add-on to build
 * or to trust on each machine (the prebuilt argon2 binary crashed here).
 * N = 2^15, r = 8 costs 32 MiB and about a quarter of a second per hash on the
 * 2-core machine, libsodium's "interactive" level. The parameters are stored
 * in each hash, so they can be raised later without invalidating old ones.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { ...params, maxmem: MAX_MEMORY },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64. */
function encode(params: { N: number; r: number; p: number }, salt: Buffer, key: Buffer): string {
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

function decode(
  hash: string,
): { params: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } | null {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  return {
    params: { N, r, p },
    salt: Buffer.from(parts[4], 'base64'),
    key: Buffer.from(parts[5], 'base64'),
  };
}

@Injectable()
export class PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    return encode(SCRYPT_PARAMS, salt, await derive(password, salt, SCRYPT_PARAMS));
  }

  /**
   * Constant-time comparison; with no stored hash (unknown user) the same work
   * is done against a random salt, so timing does not reveal which usernames exist.
   */
  async verify(hash: string | null, password: string): Promise<boolean> {
    const stored = hash ? decode(hash) : null;
    const salt = stored?.salt ?? randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, stored?.params ?? SCRYPT_PARAMS);
    return stored !== null && stored.key.length === key.length && timingSafeEqual(stored.key, key);
  }
}
