// How the rotation reacts to an upstream failure (docs/protocol.md §3.3): which kind of
// failure it is, and how long an account cools down for it. Pure functions; the
// rotation keeps the per-account backoff levels.
import type { RelayError } from "../base/errors.ts";

export interface BackoffPolicy {
  /** First cooldown after a 429 without a retry hint; doubles per repeated 429. */
  rateLimitFirstMs: number;
  rateLimitMaxMs: number;
  /** First cooldown after a 5xx, a reset stream or a stall; doubles per repeat. */
  transientFirstMs: number;
  transientMaxMs: number;
  /** First cooldown after Cursor refused the account (permission_denied); doubles per repeat. */
  forbiddenFirstMs: number;
  forbiddenMaxMs: number;
  /** Bounds on a server-given retry-after (a 0 would hot-loop; a year is a typo). */
  minCooldownMs: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF_POLICY: Readonly<BackoffPolicy> = Object.freeze({
  rateLimitFirstMs: 30_000,
  rateLimitMaxMs: 30 * 60_000,
  transientFirstMs: 10_000,
  transientMaxMs: 2 * 60_000,
  forbiddenFirstMs: 30 * 60_000,
  forbiddenMaxMs: 4 * 3_600_000,
  minCooldownMs: 1_000,
  maxRetryAfterMs: 24 * 3_600_000,
});

/**
 * rate_limit: cool down (retry-after or exponential backoff).
 * transient: 5xx / reset / stall, a brief cooldown.
 * forbidden: 403 (permission_denied), a long cooldown: Cursor may let the account in
 *   again (a plan change, a passing block), so it is not a permanent verdict.
 * auth: 401, the registry's business (refresh or mark expired); only counted here.
 * other: not about the account (a client or relay problem); only counted.
 */
export type FailureClass = "rate_limit" | "transient" | "forbidden" | "auth" | "other";

export function classifyFailure(err: RelayError): FailureClass {
  if (err.kind === "rate_limited" || err.status === 429) return "rate_limit";
  if (err.kind === "upstream_auth" || (err.isUpstream && err.status === 401)) return "auth";
  if (err.kind === "upstream_forbidden" || (err.isUpstream && err.status === 403)) return "forbidden";
  // 500 / 503 / 502 (other codes, resets, GOAWAY) / 504 (stall).
  if (err.isUpstream) return "transient";
  return "other";
}

/** first · 2^level, capped. level 0 is the first failure of a streak. */
export function backoffMs(level: number, firstMs: number, maxMs: number): number {
  const exp = Math.min(Math.max(0, level), 40);
  return Math.min(maxMs, firstMs * 2 ** exp);
}

export function clampRetryAfter(ms: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxRetryAfterMs, Math.max(policy.minCooldownMs, Math.round(ms)));
}
