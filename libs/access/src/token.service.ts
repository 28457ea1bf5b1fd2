import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '@app/config';

/** HS256 only: a token naming any other algorithm (`none` included) is refused. */
export const JWT_ALGORITHM = 'HS256';

export interface TokenClaims {
  sub: string;
}

@Injectable()
export class TokenService {
  private readonly secret: string;

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    if (config.jwtSecret) {
      this.secret = config.jwtSecret;
    } else {
      // Development only (production requires JWT_SECRET): tokens die with the process.
      new Logger('TokenService').warn('JWT_SECRET is not set: using a random key for this process');
      this.secret = randomBytes(48).toString('base64');
    }
  }

  /** The token carries only the user id; role and region are read from the database on each request. */
  sign(userId: string): Promise<string> {
    return this.jwt.signAsync({ sub: userId } satisfies TokenClaims, {
      secret: this.secret,
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.jwtTtlSeconds,
    });
  }

  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(token, {
        secret: this.secret,
        algorithms: [JWT_ALGORITHM],
      });
      // Only this service's ids: a subject that is no UUID, even under the right key (a
      // leaked key, a token of another system sharing it), must not reach the uuid column.
      return typeof claims.sub === 'string' && isUUID(claims.sub) ? claims : null;
    } catch {
      return null;
    }
  }
}
