// The cooldown policy: what a failure does to an account's record. 429 → the retry-after
// hint (clamped), else an exponential backoff; 5xx / reset / stall → a brief backoff;
// 403 → a long one (30 min, doubling) with Cursor's reason. 401 and failures that say
// nothing about the account are only counted. Pure: the caller arms timers and persists.
import type { RelayError } from "../base/errors.ts";
import { backoffMs, clampRetryAfter, classifyFailure, type BackoffPolicy } from "./backoff-policy.ts";
import type { AccountRecord } from "./rotation-state.ts";

const MAX_ERROR_TEXT = 300;

/** Error text for the UI and the file: no token, one line, bounded. */
export function cleanErrorText(redactor: { redact(text: string): string }, text: string): string {
  const t = redactor.redact(text).replace(/\s+/g, " ").trim();
  return t.length > MAX_ERROR_TEXT ? `${t.slice(0, MAX_ERROR_TEXT - 1)}…` : t;
}

/** Counts the failure on the record; returns how long the account should cool (null: no cooldown). */
export function applyFailure(r: AccountRecord, err: RelayError, message: string, policy: BackoffPolicy, now: number): number | null {
  const key = String(err.status);
  r.errorsByStatus[key] = (r.errorsByStatus[key] ?? 0) + 1;
  r.lastError = message;
  r.lastErrorAt = now;
  switch (classifyFailure(err)) {
    case "rate_limit":
      return err.retryAfterMs !== undefined
        ? clampRetryAfter(err.retryAfterMs, policy)
        : backoffMs(r.rateLimitLevel++, policy.rateLimitFirstMs, policy.rateLimitMaxMs);
    case "transient":
      return backoffMs(r.transientLevel++, policy.transientFirstMs, policy.transientMaxMs);
    case "forbidden":
      return backoffMs(r.forbiddenLevel++, policy.forbiddenFirstMs, policy.forbiddenMaxMs);
    case "auth":
    case "other":
      return null;
  }
}
