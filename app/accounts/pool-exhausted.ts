// The answer when the requested model's pool (Auto or API) is used up on every account
// that could take the request: a 429 naming the pool, since when, when the first account
// resets (retry-after is the real time to that reset) and whether the other pool has room.
import { RelayError } from "../base/errors.ts";
import type { QuotaPool } from "../base/quota.ts";
import { CLIENT_RETRY_WAIT_LIMIT_MS } from "./unavailable-accounts.ts";

export interface UsedUpAccount {
  id: string;
  /** When the figures first showed the pool used up (null: unknown). */
  since: number | null;
  /** Billing-cycle reset (null: Cursor did not say). */
  resetsAt: number | null;
  /** Cursor's own words, when it gave any. */
  displayMessage: string | null;
}

const POOL_LABEL: Record<QuotaPool, string> = {
  auto: "Auto pool (Cursor's own models: auto, composer-*)",
  api: "API pool (Claude, GPT, Gemini and other non-Cursor models)",
};

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Every account in `accounts` has `pool` used up; `otherPoolHasRoom`: some account could serve the other pool. */
export function poolExhaustedError(pool: QuotaPool, accounts: readonly UsedUpAccount[], otherPoolHasRoom: boolean, now: number): RelayError {
  const sinces = accounts.map((a) => a.since).filter((s): s is number => s !== null);
  const resets = accounts.map((a) => a.resetsAt).filter((r): r is number => r !== null && r > now);
  const firstReset = resets.length > 0 ? Math.min(...resets) : null;
  const since = sinces.length > 0 ? ` since ${iso(Math.max(...sinces))}` : "";
  const when = firstReset !== null ? `the first account resets at ${iso(firstReset)}` : "Cursor did not say when the billing cycle resets";
  const other = pool === "api" ? "`auto` and `composer-*` models" : "Claude, GPT and Gemini models";
  const hint = otherPoolHasRoom ? ` The other pool still has room: ${other} would be served.` : "";
  const words = [...new Set(accounts.map((a) => a.displayMessage).filter((m): m is string => m !== null))];
  const cursorSays = words.length > 0 ? ` Cursor says: ${words.map((w) => `"${w}"`).join("; ")}.` : "";
  const waitMs = firstReset !== null ? firstReset - now : undefined;
  return new RelayError({
    kind: "rate_limited",
    status: 429,
    message: `the ${POOL_LABEL[pool]} is used up on every Cursor account${since}; ${when} (${accounts.map((a) => a.id).join(", ")}).${hint}${cursorSays}`,
    ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}),
    ...(waitMs === undefined || waitMs > CLIENT_RETRY_WAIT_LIMIT_MS ? { retryable: false } : {}),
  });
}
