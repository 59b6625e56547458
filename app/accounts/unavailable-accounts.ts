// The answer when no account can take a request: one line per account saying why
// (cooling after a stall, a server error, quota in Cursor's words, refused credentials;
// auth expired; disabled), and a status that tells clients whether retrying can help.
// Only a wait that is purely about quota is a rate limit (429, with retry-after); any
// other cooldown is a 503 the client should not retry on its own, and so is an account
// that needs the user (a new login, a reset). `x-should-retry: false` (retryable=false)
// stops the Anthropic and OpenAI SDKs and Claude Code; their own waits top out at 60 s,
// so a quota wait longer than that is not retryable either.
import { RelayError } from "../base/errors.ts";

export interface AccountAvailability {
  id: string;
  authExpired: boolean;
  /** A 403 mark kept until reset. */
  disabledReason: string | null;
  /** Set only while the cooldown runs. */
  cooldownUntil: number | null;
  cooldownStatus: number | null;
  cooldownReason: string | null;
  /** Cursor's figures show this pool used up for the request's model (the account was skipped). */
  poolUsedUp?: "auto" | "api";
}

/** The longest wait a client's own retry loop honours (Claude Code, Anthropic and OpenAI SDKs). */
export const CLIENT_RETRY_WAIT_LIMIT_MS = 60_000;

const QUOTA_STATUS = 429;

function describe(a: AccountAvailability, now: number): string {
  if (a.authExpired) return `${a.id} needs a new login (run \`cursor-relay login\`)`;
  if (a.disabledReason !== null) return `${a.id} is disabled until reset (${a.disabledReason})`;
  if (a.poolUsedUp) return `${a.id} has its ${a.poolUsedUp === "api" ? "API" : "Auto"} pool used up`;
  if (a.cooldownUntil !== null && a.cooldownUntil > now) {
    const left = Math.ceil((a.cooldownUntil - now) / 1000);
    const why = a.cooldownReason ?? (a.cooldownStatus !== null ? `HTTP ${a.cooldownStatus}` : "an earlier failure");
    return `${a.id} is cooling down for ${left} s more after: ${why}`;
  }
  return `${a.id} is ready`;
}

const isCooling = (a: AccountAvailability, now: number) => a.cooldownUntil !== null && a.cooldownUntil > now;

/**
 * Why none of `accounts` can take a request now. `accounts` are every listed account;
 * `candidates` (ids) those this request may use — the soonest recovery is theirs.
 */
export function unavailableError(accounts: readonly AccountAvailability[], candidates: ReadonlySet<string>, now: number): RelayError {
  const reasons = accounts.map((a) => describe(a, now)).join("; ");
  const cooling = accounts.filter((a) => candidates.has(a.id) && isCooling(a, now));
  if (cooling.length === 0) {
    return new RelayError({
      kind: "no_accounts",
      status: 503,
      message: `all accounts are disabled or need a new login: run \`cursor-relay login\`, or \`cursor-relay accounts reset <id>\` — ${reasons}`,
      retryable: false,
    });
  }
  const waitMs = Math.max(1, Math.min(...cooling.map((a) => a.cooldownUntil!)) - now);
  const onlyQuota = cooling.every((a) => a.cooldownStatus === QUOTA_STATUS);
  const first = `the first is ready again in ${Math.ceil(waitMs / 1000)} s`;
  if (onlyQuota) {
    return new RelayError({
      kind: "rate_limited",
      status: 429,
      message: `every Cursor account is rate-limited or out of quota; ${first} — ${reasons}`,
      retryAfterMs: waitMs,
      ...(waitMs > CLIENT_RETRY_WAIT_LIMIT_MS ? { retryable: false } : {}),
    });
  }
  return new RelayError({
    kind: "no_accounts",
    status: 503,
    message: `no Cursor account can take this request now (${first}) — ${reasons}`,
    retryAfterMs: waitMs,
    retryable: false,
  });
}
