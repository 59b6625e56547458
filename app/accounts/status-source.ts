// Live account status (cooldown, 403 disable, usage) belongs to the conductor, which
// persists it in `<dataDir>/state.json` (shape documented in conductor-state.ts):
//   { "version": 1, "accounts": { "<id>": { cooldownUntil, cooldownReason, cooldownStatus, disabledReason,
//       backoff: { rateLimit, transient }, tokens: { total: {input,output,cacheRead}, days: { "YYYY-MM-DD": {...} },
//       minutes: {...} }, requests, errorsByStatus, lastUsedAt, lastError, lastErrorAt } } }
// A running relay's conductor is an AccountStatusSource itself; without one (the CLI)
// this file reads state.json. `authExpired` in an entry is honoured when present, but
// the auth-expired mark lives in the registry (settings.json).
import { join } from "node:path";
import type { AccountState, TokenCounts } from "../core/control-api.ts";
import { RelayError } from "../core/errors.ts";
import { readJson, writeJsonAtomic } from "../core/json-file.ts";

export const STATE_FILE = "state.json";

export interface AccountStatus {
  cooldownUntil: number | null;
  cooldownReason: string | null;
  cooldownStatus: number | null;
  disabledReason: string | null;
  authExpired: boolean;
  tokensToday: TokenCounts;
  tokensTotal: TokenCounts;
  requests: number;
  lastUsedAt: number | null;
  lastError: string | null;
}

export interface AccountStatusSource {
  /** Status of one account; an unknown account is ready with zero usage. */
  status(accountId: string): AccountStatus;
}

/** The calendar day usage is bucketed by: the local date, `YYYY-MM-DD`. */
export function usageDayKey(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const zero = (): TokenCounts => ({ input: 0, output: 0, cacheRead: 0 });
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);
const counts = (v: unknown): TokenCounts => {
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  return { input: num(o.input), output: num(o.output), cacheRead: num(o.cacheRead) };
};

export function emptyStatus(): AccountStatus {
  return {
    cooldownUntil: null,
    cooldownReason: null,
    cooldownStatus: null,
    disabledReason: null,
    authExpired: false,
    tokensToday: zero(),
    tokensTotal: zero(),
    requests: 0,
    lastUsedAt: null,
    lastError: null,
  };
}

type StateFile = { accounts: Record<string, Record<string, unknown>> } & Record<string, unknown>;

function readStateFile(path: string): StateFile {
  let v: unknown;
  try {
    v = readJson(path);
  } catch (e) {
    throw new RelayError({ kind: "config", status: 500, message: `${path} is not valid JSON; remove it to reset usage and cooldowns`, cause: e });
  }
  const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  const accounts = typeof o.accounts === "object" && o.accounts !== null ? (o.accounts as StateFile["accounts"]) : {};
  return { ...o, accounts };
}

/** Reads `<dataDir>/state.json` on every call (it may be rewritten by a running relay). */
export function createStateFileStatusSource(dataDir: string, now: () => number): AccountStatusSource {
  const path = join(dataDir, STATE_FILE);
  return {
    status(accountId) {
      const entry = readStateFile(path).accounts[accountId];
      if (!entry) return emptyStatus();
      const tokens = (typeof entry.tokens === "object" && entry.tokens !== null ? entry.tokens : {}) as Record<string, unknown>;
      const days = (typeof tokens.days === "object" && tokens.days !== null ? tokens.days : {}) as Record<string, unknown>;
      return {
        cooldownUntil: numOrNull(entry.cooldownUntil),
        cooldownReason: strOrNull(entry.cooldownReason),
        cooldownStatus: numOrNull(entry.cooldownStatus),
        disabledReason: strOrNull(entry.disabledReason),
        authExpired: entry.authExpired === true,
        tokensToday: counts(days[usageDayKey(now())]),
        tokensTotal: counts(tokens.total),
        requests: num(entry.requests),
        lastUsedAt: numOrNull(entry.lastUsedAt),
        lastError: strOrNull(entry.lastError),
      };
    },
  };
}

/**
 * Clears an account's cooldown, 403-disabled reason, backoff levels, last error and auth-expired mark
 * in state.json (atomically; usage, errors and other accounts untouched). Returns false
 * when the file has no entry for it. A running relay's conductor notices the edit within
 * a few seconds and adopts it (the control API's resetCooldown acts at once).
 */
export function resetStatusInStateFile(dataDir: string, accountId: string): boolean {
  const path = join(dataDir, STATE_FILE);
  const file = readStateFile(path);
  const entry = file.accounts[accountId];
  if (!entry) return false;
  file.accounts[accountId] = {
    ...entry,
    cooldownUntil: null,
    cooldownReason: null,
    cooldownStatus: null,
    disabledReason: null,
    backoff: { rateLimit: 0, transient: 0 },
    authExpired: false,
    lastError: null,
    lastErrorAt: null,
  };
  writeJsonAtomic(path, file);
  return true;
}

/** Drops an account's entry from state.json (after `accounts remove`). */
export function forgetInStateFile(dataDir: string, accountId: string): void {
  const path = join(dataDir, STATE_FILE);
  const file = readStateFile(path);
  if (!(accountId in file.accounts)) return;
  delete file.accounts[accountId];
  writeJsonAtomic(path, file);
}

/** The state a UI shows, from the registry's view (disabled, auth expired) and the status. */
export function accountStateOf(
  meta: { disabled: boolean; authExpired: boolean },
  status: AccountStatus,
  now: number,
): AccountState {
  if (meta.disabled || status.disabledReason !== null) return "disabled";
  if (meta.authExpired || status.authExpired) return "auth_expired";
  if (status.cooldownUntil !== null && status.cooldownUntil > now) return "cooling";
  return "ready";
}
