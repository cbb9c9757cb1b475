import { createHmac, timingSafeEqual } from 'node:crypto';

export const memberRoles = ['rider', 'driver', 'admin', 'treasurer'] as const;
export type MemberRole = (typeof memberRoles)[number];

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  memberId: string;
  role: MemberRole;
}

interface TokenClaims {
  sub: string;
  role: MemberRole;
  exp: number;
}

/**
 * Stateless access tokens: base64url(claims) "." base64url(HMAC-SHA256(claims)). Every
 * process verifies them with the shared key from the database, so a socket handshake on
 * any node costs one HMAC and no query.
 */
export class AccessTokenCodec {
  constructor(private readonly key: Buffer) {}

  /** Issues a token for the principal, valid for ttlSeconds from nowMs. */
  issue(principal: Principal, nowMs: number, ttlSeconds: number): string {
    const claims: TokenClaims = {
      sub: principal.memberId,
      role: principal.role,
      exp: Math.floor(nowMs / 1000) + ttlSeconds,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the principal of a valid, unexpired token, or undefined. */
  verify(token: string, nowMs: number): Principal | undefined {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
    if (!memberRoles.includes(claims.role) || typeof claims.sub !== 'string') return undefined;
    return { memberId: claims.sub, role: claims.role };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
