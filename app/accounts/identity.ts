// Who an access token belongs to, and what we call that account (docs/protocol.md
// §2.5: the JWT's sub, its short hash, the account id and the display label). The JWT is
// only decoded, never verified: its claims are trusted for naming and expiry and for
// nothing else (Cursor verifies it).
import { createHash } from "node:crypto";
import { decodeJwt } from "jose/jwt/decode"; // the one function, not the whole library (start-up time)
import { RelayError } from "../base/errors.ts";
import { LABEL_PATTERN } from "../base/control-contract.ts";

/** Safety margin taken off the JWT's `exp` (docs/protocol.md §2.3). */
export const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Lifetime assumed when the token cannot be parsed (docs/protocol.md §2.3). */
export const UNKNOWN_LIFETIME_MS = 60 * 60_000;

export interface TokenClaims {
  sub: string | null;
  /** `exp` in milliseconds since the epoch (fractional seconds kept), or null. */
  expMs: number | null;
}

/** Reads `sub` and `exp`; an unparseable token yields nulls instead of throwing. */
export function readTokenClaims(accessToken: string): TokenClaims {
  try {
    const payload = decodeJwt(accessToken);
    const sub = typeof payload.sub === "string" && payload.sub.trim() !== "" ? payload.sub : null;
    const exp = typeof payload.exp === "number" && Number.isFinite(payload.exp) ? Math.round(payload.exp * 1000) : null;
    return { sub, expMs: exp };
  } catch {
    return { sub: null, expMs: null };
  }
}

/** `expires_at` = exp − 5 min; now + 1 h when the token carries no usable `exp`. */
export function tokenExpiresAt(accessToken: string, now: number): number {
  const { expMs } = readTokenClaims(accessToken);
  return expMs === null ? now + UNKNOWN_LIFETIME_MS : expMs - EXPIRY_MARGIN_MS;
}

/** First 4 bytes of SHA-256(sub) as 8 lower-case hex characters. */
export function subToShortHash(sub: string): string {
  return createHash("sha256").update(sub, "utf8").digest("hex").slice(0, 8);
}

/**
 * Trims a user label; empty means "no label". Labels become part of the account id, so
 * they are limited to letters, digits, space and `._@+-` (no slashes or control chars).
 */
export function normalizeLabel(label: string | null | undefined): string | null {
  if (label === null || label === undefined) return null;
  const trimmed = label.trim();
  if (trimmed === "") return null;
  if (!LABEL_PATTERN.test(trimmed)) {
    throw new RelayError({
      kind: "invalid_request",
      status: 400,
      message: `label ${JSON.stringify(trimmed)} is not allowed: use 1-64 letters, digits, spaces or . _ @ + - (starting with a letter or digit)`,
    });
  }
  return trimmed;
}

/** Account id: `cursor.<label>` → `cursor.<subHash>` → `cursor`. An explicit label wins. */
export function accountIdFor(label: string | null, subHash: string | null): string {
  if (label) return `cursor.${label}`;
  if (subHash) return `cursor.${subHash}`;
  return "cursor";
}

/** Display label: `Cursor <label>` → `Cursor <subHash>` → `Cursor User`. */
export function displayLabelFor(label: string | null, subHash: string | null): string {
  if (label) return `Cursor ${label}`;
  if (subHash) return `Cursor ${subHash}`;
  return "Cursor User";
}

export interface TokenIdentity {
  sub: string | null;
  subHash: string | null;
  accountId: string;
  displayLabel: string;
  expiresAt: number;
}

/** Everything naming needs from a fresh login: the token plus the label the user gave. */
export function identify(accessToken: string, label: string | null, now: number): TokenIdentity {
  const { sub } = readTokenClaims(accessToken);
  const subHash = sub === null ? null : subToShortHash(sub);
  const clean = normalizeLabel(label);
  return {
    sub,
    subHash,
    accountId: accountIdFor(clean, subHash),
    displayLabel: displayLabelFor(clean, subHash),
    expiresAt: tokenExpiresAt(accessToken, now),
  };
}
