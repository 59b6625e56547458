// What the rotation keeps per account, and its `<dataDir>/state.json` form. The
// shape is the one status-source.ts reads (the CLI), extended with the backoff levels,
// per-minute buckets and the time of the last error:
//   { "version": 1, "updatedAt": ms, "accounts": { "<id>": {
//       cooldownUntil, cooldownReason, cooldownStatus, disabledReason,
//       backoff: { rateLimit, transient, forbidden },
//       tokens: { total: {input,output,cacheRead}, days: { "YYYY-MM-DD": {...} }, minutes: { "<minute start ms>": n } },
//       requests, errorsByStatus: { "<status>": n }, lastUsedAt, lastError, lastErrorAt } } }
// The auth-expired mark is not here: it belongs to the registry (settings.json).
// No token ever goes in: error texts are redacted before they are stored.
import { renameSync } from "node:fs";
import type { Logger } from "../base/log.ts";
import { numOrNull, readJson, recordOrEmpty, strOrNull } from "../base/json-file.ts";
import { emptyUsage, usageFromJson, usageToJson, type UsageRecord } from "./usage-meter.ts";

/** The file, in the data folder, that this module alone reads and writes. */
export const STATE_FILE = "state.json";
export const STATE_VERSION = 1;

export interface AccountRecord {
  cooldownUntil: number | null;
  cooldownReason: string | null;
  cooldownStatus: number | null;
  disabledReason: string | null;
  /** Consecutive 429s without a retry hint (the next backoff exponent); reset by a success. */
  rateLimitLevel: number;
  /** Consecutive 5xx / reset / stall failures; reset by a success. */
  transientLevel: number;
  /** Consecutive permission_denied failures; reset by a success. */
  forbiddenLevel: number;
  usage: UsageRecord;
  requests: number;
  errorsByStatus: Record<string, number>;
  lastUsedAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export function emptyRecord(): AccountRecord {
  return {
    cooldownUntil: null,
    cooldownReason: null,
    cooldownStatus: null,
    disabledReason: null,
    rateLimitLevel: 0,
    transientLevel: 0,
    forbiddenLevel: 0,
    usage: emptyUsage(),
    requests: 0,
    errorsByStatus: {},
    lastUsedAt: null,
    lastError: null,
    lastErrorAt: null,
  };
}

export function clearCooldown(r: AccountRecord): void {
  r.cooldownUntil = null;
  r.cooldownReason = null;
  r.cooldownStatus = null;
}

/** Backoff levels and the last error go: the account is known to work again. */
export function clearHistory(r: AccountRecord): void {
  r.rateLimitLevel = 0;
  r.transientLevel = 0;
  r.forbiddenLevel = 0;
  r.lastError = null;
  r.lastErrorAt = null;
}

/** What a reset clears: the cooldown, the 403 reason, the backoff levels and the last error (usage stays). */
export function resetRecord(r: AccountRecord): void {
  clearCooldown(r);
  r.disabledReason = null;
  clearHistory(r);
}

export function recordToJson(r: AccountRecord, now: number): Record<string, unknown> {
  return {
    cooldownUntil: r.cooldownUntil,
    cooldownReason: r.cooldownReason,
    cooldownStatus: r.cooldownStatus,
    disabledReason: r.disabledReason,
    backoff: { rateLimit: r.rateLimitLevel, transient: r.transientLevel, forbidden: r.forbiddenLevel },
    tokens: usageToJson(r.usage, now),
    requests: r.requests,
    errorsByStatus: { ...r.errorsByStatus },
    lastUsedAt: r.lastUsedAt,
    lastError: r.lastError,
    lastErrorAt: r.lastErrorAt,
  };
}

const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** Reads one entry leniently. A cooldown that already ended is dropped (a restart keeps only real limits). */
export function recordFromJson(v: unknown, now: number): AccountRecord {
  const o = recordOrEmpty(v);
  const r = emptyRecord();
  const until = numOrNull(o.cooldownUntil);
  if (until !== null && until > now) {
    r.cooldownUntil = until;
    r.cooldownReason = strOrNull(o.cooldownReason);
    r.cooldownStatus = numOrNull(o.cooldownStatus);
  }
  r.disabledReason = strOrNull(o.disabledReason);
  const backoff = recordOrEmpty(o.backoff);
  r.rateLimitLevel = count(backoff.rateLimit);
  r.transientLevel = count(backoff.transient);
  r.forbiddenLevel = count(backoff.forbidden);
  r.usage = usageFromJson(o.tokens, now);
  r.requests = count(o.requests);
  for (const [status, n] of Object.entries(recordOrEmpty(o.errorsByStatus))) if (count(n) > 0) r.errorsByStatus[status] = count(n);
  r.lastUsedAt = numOrNull(o.lastUsedAt);
  r.lastError = strOrNull(o.lastError);
  r.lastErrorAt = numOrNull(o.lastErrorAt);
  return r;
}

export interface LoadedState {
  accounts: Map<string, AccountRecord>;
  /** Top-level keys the rotation does not own, written back unchanged. */
  extra: Record<string, unknown>;
  /** The file was damaged and has been moved aside: the warning (also logged); null otherwise. */
  damaged: string | null;
}

/**
 * Loads state.json, the one parse of it for any command. Missing → empty. Not JSON / not
 * an object → the file is moved aside to `state.json.corrupt-<ms>` with a warning and
 * the command starts empty: usage history is worth less than a relay that starts.
 */
export function loadStateFile(path: string, now: number, log: Logger): LoadedState {
  const empty = (damaged: string | null = null): LoadedState => ({ accounts: new Map(), extra: {}, damaged });
  const moveAside = (): LoadedState => {
    const warning = moveDamagedStateAside(path, now);
    log.warn(warning, { path });
    return empty(warning);
  };
  let raw: unknown;
  try {
    raw = readJson(path);
  } catch (e) {
    if (e instanceof SyntaxError) return moveAside();
    log.warn("could not read the account state file; starting with empty usage and no cooldowns", { path, error: e });
    return empty();
  }
  if (raw === undefined) return empty();
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return moveAside();
  const { accounts: rawAccounts, version: _version, updatedAt: _updatedAt, ...extra } = raw as Record<string, unknown>;
  const accounts = new Map<string, AccountRecord>();
  for (const [id, entry] of Object.entries(recordOrEmpty(rawAccounts))) accounts.set(id, recordFromJson(entry, now));
  return { accounts, extra, damaged: null };
}

/**
 * The one handling of a damaged state.json, the same for every command (serve, accounts):
 * the file is moved aside to `state.json.corrupt-<ms>` and the command goes on with empty
 * usage and no cooldowns. Returns the warning to show.
 */
function moveDamagedStateAside(path: string, now: number): string {
  const aside = `${path}.corrupt-${now}`;
  try {
    renameSync(path, aside);
    return `the account state file ${path} was damaged; moved it to ${aside} and started with empty usage and no cooldowns`;
  } catch (e) {
    return `the account state file ${path} was damaged and could not be moved aside (${e instanceof Error ? e.message : String(e)}); it is read as empty, and the next write replaces it`;
  }
}

export function stateToJson(accounts: ReadonlyMap<string, AccountRecord>, extra: Record<string, unknown>, now: number): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [id, r] of accounts) out[id] = recordToJson(r, now);
  return { ...extra, version: STATE_VERSION, updatedAt: now, accounts: out };
}
