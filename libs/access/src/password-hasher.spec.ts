import { PasswordHasher, SCRYPT_PARAMS } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hasher.hash('correct horse battery');
    await expect(hasher.verify(hash, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'correct horse batterY')).resolves.toBe(false);
    await expect(hasher.verify(hash, '')).resolves.toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('stores its memory-hard parameters in the hash, never the password', async () => {
    const hash = await hasher.hash('secret-password');
    expect(hash).toMatch(new RegExp(`^scrypt\\$${SCRYPT_PARAMS.N}\\$8\\$1\\$`));
    expect(hash).not.toContain('secret-password');
  });

  it('refuses when there is no hash or it is malformed', async () => {
    await expect(hasher.verify(null, 'anything')).resolves.toBe(false);
    await expect(hasher.verify('scrypt$x$y', 'anything')).resolves.toBe(false);
    await expect(hasher.verify('$argon2id$v=19$m=1', 'anything')).resolves.toBe(false);
  });
});
