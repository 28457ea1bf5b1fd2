import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * argon2id (memory-hard) with OWASP's minimum parameters. Verification takes the
 * same time whether or not the user exists (see AuthService.login).
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher {
  private readonly decoy = argon2.hash('decoy-password-for-unknown-users', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    const target = hash ?? (await this.decoy);
    const ok = await argon2.verify(target, password).catch(() => false);
    return ok && hash !== null;
  }
}
