// Access tokens (real HS256 JWTs under a fixed fake key) and opaque refresh tokens.
// Minting is synchronous (the public mintAccessToken is sync), done with node:crypto's
// HMAC in the standard JWS compact form; verification goes through jose.
import { createHmac, randomBytes } from "node:crypto";
import { errors, jwtVerify } from "jose";

const FAKE_KEY = new TextEncoder().encode("fake-cursor-hs256-key-not-a-secret-0123");

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export type VerifyResult = { ok: true; sub: string } | { ok: false; reason: string };

export class TokenAuthority {
  private readonly refreshOwners = new Map<string, string>();
  private readonly revoked = new Set<string>();

  constructor(
    private readonly now: () => number,
    public accessTtlSeconds = 3600,
  ) {}

  mintAccessToken(sub: string, expSeconds?: number): string {
    const iat = Math.floor(this.now() / 1000);
    const exp = expSeconds ?? iat + this.accessTtlSeconds;
    const part = (x: object) => Buffer.from(JSON.stringify(x)).toString("base64url");
    // jti keeps two tokens minted in the same second distinct.
    const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub, exp, iat, jti: randomBytes(6).toString("hex") })}`;
    return `${body}.${createHmac("sha256", FAKE_KEY).update(body).digest("base64url")}`;
  }

  issueRefreshToken(sub: string): string {
    const token = `fake_rt_${randomBytes(18).toString("hex")}`;
    this.refreshOwners.set(token, sub);
    return token;
  }

  issuePair(sub: string): TokenPair {
    return { accessToken: this.mintAccessToken(sub), refreshToken: this.issueRefreshToken(sub) };
  }

  /** The sub of a live refresh token, or undefined (unknown or revoked). */
  refreshOwner(token: string): string | undefined {
    return this.revoked.has(token) ? undefined : this.refreshOwners.get(token);
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Checks a `Bearer <jwt>` header value: signature, exp (against the injected clock), sub. */
  async verifyBearer(header: string | undefined): Promise<VerifyResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    if (!match) return { ok: false, reason: "missing bearer token" };
    try {
      const { payload } = await jwtVerify(match[1]!, FAKE_KEY, { algorithms: ["HS256"], currentDate: new Date(this.now()) });
      if (typeof payload.sub !== "string" || payload.sub === "") return { ok: false, reason: "token has no sub" };
      return { ok: true, sub: payload.sub };
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: "access token expired" };
      return { ok: false, reason: "invalid access token" };
    }
  }
}
