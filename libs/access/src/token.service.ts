import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { createSecretKey, randomBytes } from 'node:crypto';
import { AppConfig } from '@app/config';

/** HS256 only: a token naming any other algorithm (`none` included) is refused. */
export const JWT_ALGORITHM = 'HS256';

export interface TokenClaims {
  sub: string;
}

@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(config: AppConfig) {
    let secret = config.jwtSecret;
    if (!secret) {
      // Development only (production requires JWT_SECRET): tokens die with the process.
      new Logger('TokenService').warn('JWT_SECRET is not set: using a random key for this process');
      secret = randomBytes(48).toString('base64');
    }
    // A KeyObject, made once: given a string, jsonwebtoken first tries to read it
    // as a PEM public key on every verify (createPublicKey, which throws), and
    // that failed attempt was a sixth of the API's CPU on a GET.
    this.jwt = new JwtService({
      secret: createSecretKey(Buffer.from(secret, 'utf8')),
      signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.jwtTtlSeconds },
      verifyOptions: { algorithms: [JWT_ALGORITHM] },
    });
  }

  /** The token carries only the user id; role and region are read from the database on each request. */
  sign(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId } satisfies TokenClaims);
  }

  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(token);
      // Only this service's ids: a subject that is no UUID, even under the right key (a
      // leaked key, a token of another system sharing it), must not reach the uuid column.
      return typeof claims.sub === 'string' && isUUID(claims.sub) ? claims : null;
    } catch {
      return null;
    }
  }
}
