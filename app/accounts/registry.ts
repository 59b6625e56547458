// The account registry: which Cursor accounts exist, their tokens and their naming.
// Metadata (never a token) lives in the settings store under `accounts`; tokens live
// in the SecretStore under the account id. The registry also keeps tokens fresh:
// a timer refreshes each account ahead of expiry, getAccessToken refreshes when the
// token is inside the refresh lead, and onUnauthorized does the "401 → one refresh →
// retry, else auth expired" dance.
//
// Naming decisions (documented for the CLI and UI):
// - One entry per Cursor user (`sub`). A re-login of a known sub without a label updates
//   that entry whatever its id (and keeps its label). A re-login with an explicit label
//   moves the account to `cursor.<label>` (the explicit label wins, ids follow the
//   protocol's naming): the new entry is written first, then the old one is deleted, so
//   the same user is never listed twice.
// - A label already used by a *different* known sub is refused (it would silently drop
//   that other account); the user picks another label or removes the other account.
// - rename() changes the label and display label only; the id stays stable, because
//   sessions, checkpoints and usage are keyed by it.
import type { Clock, TimerHandle } from "../core/clock.ts";
import { RelayError } from "../core/errors.ts";
import { silentLogger, type Logger } from "../core/log.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { Secrets, SecretStore } from "./secret-store.ts";
import { displayLabelFor, identify, normalizeLabel, subToShortHash, tokenExpiresAt } from "./identity.ts";
import { exchangeRefreshToken } from "./refresh.ts";
import type { FetchLike } from "./cursor-http.ts";

/** Refresh this long before `expires_at` (which is already exp − 5 min), per §2.3. */
export const REFRESH_LEAD_MS = 10 * 60_000;
const RETRY_FIRST_MS = 60_000;
const RETRY_MAX_MS = 15 * 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface AccountInfo {
  id: string;
  label: string | null;
  displayLabel: string;
  sub: string | null;
  subHash: string | null;
  /** `expires_at` of the stored access token (exp − 5 min), ms since the epoch. */
  tokenExpiresAt: number;
  addedAt: number;
  updatedAt: number;
  lastRefreshAt: number | null;
  disabled: boolean;
  authExpired: boolean;
  authExpiredReason: string | null;
  /** The secret store has no entry for this account (removed by hand, another tool, a wiped keyring). */
  credentialsMissing: boolean;
}

/** What settings.json holds per account (`accounts.<id>`). No secrets. */
interface StoredAccount {
  label: string | null;
  sub: string | null;
  subHash: string | null;
  expiresAt: number;
  addedAt: number;
  updatedAt: number;
  lastRefreshAt: number | null;
  disabled: boolean;
  authExpiredAt: number | null;
  authExpiredReason: string | null;
  credentialsMissing: boolean;
}

export type AccountChange =
  | { type: "added" | "updated"; accountId: string; replaced: string[] }
  | { type: "removed" | "renamed" | "refreshed" | "auth_expired" | "auth_restored" | "disabled" | "enabled"; accountId: string };

export interface AccountRegistry {
  list(): AccountInfo[];
  get(id: string): AccountInfo | null;
  /** Like get, but an unknown id is a clear not_found RelayError. */
  require(id: string): AccountInfo;
  /** Stores the result of a browser login (idempotent per Cursor user, see the naming notes). */
  addFromLogin(tokens: Secrets, label: string | null): Promise<AccountInfo>;
  /** Deletes the account's secret and its metadata. */
  remove(id: string): Promise<void>;
  /** Changes the label (and display label); the id stays. null clears it. */
  rename(id: string, label: string | null): AccountInfo;
  setDisabled(id: string, disabled: boolean): AccountInfo;
  /** A usable access token, refreshed first when it is inside the refresh lead. */
  getAccessToken(id: string): Promise<string>;
  /** Refreshes now (single flight per account); the stored refresh token survives a failure. */
  refreshNow(id: string): Promise<AccountInfo>;
  /**
   * Cursor answered 401 for this account. Not yet refreshed for this turn: refresh once
   * and return "retry_same" on success. Otherwise (or when the refresh fails) the
   * account is marked auth expired.
   */
  onUnauthorized(id: string, alreadyRefreshed: boolean): Promise<"retry_same" | "auth_expired">;
  markAuthExpired(id: string, reason: string): void;
  /** Clears the auth-expired mark (e.g. `accounts reset`): the relay will try the account again. */
  clearAuthExpired(id: string): void;
  onChange(listener: (change: AccountChange) => void): () => void;
  /** Stops the refresh timers. */
  close(): void;
}

export interface AccountRegistryOptions {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  cursorApi: string;
  clock: Clock;
  fetch?: FetchLike;
  logger?: Logger;
  /** Refresh every account on a timer ahead of expiry (default true; the CLI turns it off). */
  refreshTimers?: boolean;
}

const SETTINGS_KEY = "accounts";

export function notFound(id: string): RelayError {
  return new RelayError({
    kind: "not_found",
    status: 404,
    message: `no account ${JSON.stringify(id)}; run \`cursor-relay accounts\` to see the account ids`,
  });
}

function toInfo(id: string, s: StoredAccount): AccountInfo {
  return {
    id,
    label: s.label,
    displayLabel: displayLabelFor(s.label, s.subHash),
    sub: s.sub,
    subHash: s.subHash,
    tokenExpiresAt: s.expiresAt,
    addedAt: s.addedAt,
    updatedAt: s.updatedAt,
    lastRefreshAt: s.lastRefreshAt,
    disabled: s.disabled,
    authExpired: s.authExpiredAt !== null,
    authExpiredReason: s.authExpiredReason,
    credentialsMissing: s.credentialsMissing,
  };
}

function readStored(v: unknown): StoredAccount | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === "string" ? x : null);
  const n = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
  const sub = str(o.sub);
  return {
    label: str(o.label),
    sub,
    subHash: str(o.subHash) ?? (sub === null ? null : subToShortHash(sub)),
    expiresAt: n(o.expiresAt) ?? 0,
    addedAt: n(o.addedAt) ?? 0,
    updatedAt: n(o.updatedAt) ?? 0,
    lastRefreshAt: n(o.lastRefreshAt),
    disabled: o.disabled === true,
    authExpiredAt: n(o.authExpiredAt),
    authExpiredReason: str(o.authExpiredReason),
    credentialsMissing: o.credentialsMissing === true,
  };
}

/**
 * Names every `accounts` entry of settings.json the registry cannot use as written (not
 * an object, an id that is not an account id, a field of the wrong type), so nothing
 * is dropped or defaulted without a word.
 */
export function malformedAccountEntries(settings: SettingsStore): string[] {
  const raw = settings.get(SETTINGS_KEY);
  if (raw === undefined) return [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [`settings "accounts" is ${JSON.stringify(raw)}, not an object; no account is listed`];
  const problems: string[] = [];
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    const where = `settings entry accounts[${JSON.stringify(id)}]`;
    if (!(id === "cursor" || id.startsWith("cursor."))) problems.push(`${where} has an id that is not an account id (cursor or cursor.<label>)`);
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push(`${where} is ${show(v)}, not an object; the account is ignored`);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const f of ["label", "sub", "subHash", "authExpiredReason"]) {
      if (f in o && o[f] !== null && typeof o[f] !== "string") problems.push(`${where}.${f} is ${show(o[f])}, not a string; it is ignored`);
    }
    for (const f of ["expiresAt", "addedAt", "updatedAt", "lastRefreshAt", "authExpiredAt"]) {
      if (f in o && o[f] !== null && !(typeof o[f] === "number" && Number.isFinite(o[f]))) problems.push(`${where}.${f} is ${show(o[f])}, not a number; it is ignored`);
    }
    if ("disabled" in o && typeof o.disabled !== "boolean") problems.push(`${where}.disabled is ${show(o.disabled)}, not true or false; it is ignored`);
  }
  return problems;
}

export function createAccountRegistry(options: AccountRegistryOptions): AccountRegistry {
  const { settings, secrets, clock } = options;
  const cursorApi = options.cursorApi.replace(/\/+$/, "");
  const log = options.logger ?? silentLogger;
  const useTimers = options.refreshTimers ?? true;
  const listeners = new Set<(c: AccountChange) => void>();
  const cache = new Map<string, Secrets>();
  const inflight = new Map<string, Promise<AccountInfo>>();
  const timers = new Map<string, TimerHandle>();
  const failures = new Map<string, number>();
  let closed = false;

  const readAll = (): Record<string, StoredAccount> => {
    const raw = settings.get(SETTINGS_KEY);
    // No prototype: an id like "__proto__" or "constructor" must not find Object's members.
    const out = Object.create(null) as Record<string, StoredAccount>;
    if (typeof raw === "object" && raw !== null) {
      for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
        const s = readStored(v);
        if (s) out[id] = s;
      }
    }
    return out;
  };
  const writeAll = (all: Record<string, StoredAccount>) => settings.set(SETTINGS_KEY, all);
  const requireStored = (id: string): StoredAccount => {
    const s = readAll()[id];
    if (!s) throw notFound(id);
    return s;
  };
  const update = (id: string, patch: Partial<StoredAccount>): StoredAccount => {
    const all = readAll();
    const s = all[id];
    if (!s) throw notFound(id);
    const next = { ...s, ...patch };
    all[id] = next;
    writeAll(all);
    return next;
  };
  const emit = (change: AccountChange) => {
    for (const l of [...listeners]) {
      try {
        l(change);
      } catch (e) {
        log.error("account change listener failed", { error: e });
      }
    }
  };
  const remember = (id: string, s: Secrets) => {
    log.addSecret(s.accessToken);
    log.addSecret(s.refreshToken);
    cache.set(id, s);
  };
  const loadSecrets = async (id: string, fresh = false): Promise<Secrets> => {
    const cached = fresh ? undefined : cache.get(id);
    if (cached) return cached;
    const s = await secrets.get(id);
    if (!s) {
      const stored = readAll()[id];
      if (stored && !stored.credentialsMissing) {
        update(id, { credentialsMissing: true, authExpiredAt: stored.authExpiredAt ?? clock.now(), authExpiredReason: `credentials missing — log in again (the ${secrets.kind} store has no stored credentials for ${id})` });
        cancelTimer(id);
        log.warn("the account's stored credentials are missing; log in again", { account: id });
        emit({ type: "auth_expired", accountId: id });
      }
      throw new RelayError({
        kind: "upstream_auth",
        status: 401,
        message: `account ${id} has no stored credentials in the ${secrets.kind} store; run \`cursor-relay login\` again`,
      });
    }
    remember(id, s);
    return s;
  };

  const cancelTimer = (id: string) => {
    timers.get(id)?.cancel();
    timers.delete(id);
  };
  const schedule = (id: string, delayOverride?: number) => {
    if (!useTimers || closed) return;
    cancelTimer(id);
    const s = readAll()[id];
    if (!s || s.authExpiredAt !== null) return;
    const due = s.expiresAt - REFRESH_LEAD_MS;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, delayOverride ?? due - clock.now()));
    timers.set(
      id,
      clock.setTimeout(() => {
        timers.delete(id);
        const current = readAll()[id];
        if (!current || current.authExpiredAt !== null) return;
        // Another process (or a request) may have refreshed already: only refresh when due.
        if (delayOverride === undefined && clock.now() < current.expiresAt - REFRESH_LEAD_MS) return schedule(id);
        refresh(id).catch(() => {
          const n = (failures.get(id) ?? 0) + 1;
          failures.set(id, n);
          schedule(id, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (n - 1)));
        });
      }, delay),
    );
  };

  const refresh = (id: string): Promise<AccountInfo> => {
    const running = inflight.get(id);
    if (running) return running;
    const p = (async () => {
      requireStored(id);
      // Read the store, not the cache: another process may have rotated the refresh token.
      const current = await loadSecrets(id, true);
      let next: Secrets;
      try {
        next = await exchangeRefreshToken({ cursorApi, refreshToken: current.refreshToken, clock, ...(options.fetch ? { fetch: options.fetch } : {}) });
      } catch (e) {
        log.warn("token refresh failed; the stored tokens are kept", { account: id, error: e });
        throw e;
      }
      if (!readAll()[id]) throw notFound(id); // removed while we were refreshing
      await secrets.set(id, next);
      remember(id, next);
      const now = clock.now();
      const stored = update(id, { expiresAt: tokenExpiresAt(next.accessToken, now), lastRefreshAt: now, updatedAt: now });
      failures.delete(id);
      log.info("token refreshed", { account: id, expiresAt: new Date(stored.expiresAt).toISOString() });
      emit({ type: "refreshed", accountId: id });
      schedule(id);
      return toInfo(id, stored);
    })();
    inflight.set(id, p);
    const clear = () => inflight.delete(id);
    p.then(clear, clear);
    return p;
  };

  const registry: AccountRegistry = {
    list() {
      return Object.entries(readAll())
        .map(([id, s]) => toInfo(id, s))
        .sort((a, b) => a.addedAt - b.addedAt || a.id.localeCompare(b.id));
    },
    get(id) {
      const s = readAll()[id];
      return s ? toInfo(id, s) : null;
    },
    require(id) {
      return toInfo(id, requireStored(id));
    },

    async addFromLogin(tokens, rawLabel) {
      const label = normalizeLabel(rawLabel);
      const now = clock.now();
      const ident = identify(tokens.accessToken, label, now);
      const all = readAll();
      const sameSub = ident.sub === null ? [] : Object.keys(all).filter((id) => all[id]!.sub === ident.sub);
      const targetId = label === null ? (sameSub[0] ?? ident.accountId) : ident.accountId;
      const atTarget = all[targetId];
      if (atTarget && atTarget.sub !== null && ident.sub !== null && atTarget.sub !== ident.sub) {
        throw new RelayError({
          kind: "invalid_request",
          status: 409,
          message:
            `the account id ${targetId} already belongs to another Cursor user (${displayLabelFor(atTarget.label, atTarget.subHash)}); ` +
            `log in with a different --label, or remove ${targetId} first`,
        });
      }
      const replaced = sameSub.filter((id) => id !== targetId);
      const previous = atTarget ?? (replaced[0] === undefined ? undefined : all[replaced[0]]);
      const stored: StoredAccount = {
        label: label ?? atTarget?.label ?? null,
        sub: ident.sub,
        subHash: ident.subHash,
        expiresAt: ident.expiresAt,
        addedAt: previous?.addedAt ?? now,
        updatedAt: now,
        lastRefreshAt: null,
        disabled: previous?.disabled ?? false,
        authExpiredAt: null,
        authExpiredReason: null,
        credentialsMissing: false,
      };

      // Secret first, then metadata; undo the secret if the metadata cannot be written,
      // so a failure leaves the previous state, not half an account.
      const oldSecret = atTarget ? await secrets.get(targetId).catch(() => null) : null;
      await secrets.set(targetId, tokens);
      try {
        const fresh = readAll();
        for (const id of replaced) delete fresh[id];
        fresh[targetId] = stored;
        writeAll(fresh);
      } catch (e) {
        await (oldSecret ? secrets.set(targetId, oldSecret) : secrets.delete(targetId)).catch(() => undefined);
        throw e;
      }
      remember(targetId, tokens);
      for (const id of replaced) {
        cancelTimer(id);
        cache.delete(id);
        await secrets.delete(id).catch((e: unknown) => log.warn("could not delete the replaced account's secret", { account: id, error: e }));
      }
      failures.delete(targetId);
      schedule(targetId);
      log.info(atTarget || replaced.length > 0 ? "account updated by login" : "account added", {
        account: targetId,
        ...(replaced.length > 0 ? { replaced } : {}),
      });
      emit({ type: atTarget || replaced.length > 0 ? "updated" : "added", accountId: targetId, replaced });
      return toInfo(targetId, stored);
    },

    async remove(id) {
      requireStored(id);
      cancelTimer(id);
      await secrets.delete(id);
      const all = readAll();
      delete all[id];
      writeAll(all);
      cache.delete(id);
      failures.delete(id);
      log.info("account removed", { account: id });
      emit({ type: "removed", accountId: id });
    },

    rename(id, rawLabel) {
      const label = normalizeLabel(rawLabel);
      const s = update(id, { label, updatedAt: clock.now() });
      emit({ type: "renamed", accountId: id });
      return toInfo(id, s);
    },

    setDisabled(id, disabled) {
      const s = update(id, { disabled, updatedAt: clock.now() });
      emit({ type: disabled ? "disabled" : "enabled", accountId: id });
      return toInfo(id, s);
    },

    async getAccessToken(id) {
      const s = requireStored(id);
      let current = await loadSecrets(id);
      if (clock.now() >= s.expiresAt - REFRESH_LEAD_MS) {
        try {
          await refresh(id);
          current = await loadSecrets(id);
        } catch {
          // Keep going with the token we have: if Cursor rejects it, the 401 path decides.
        }
      }
      if (!timers.has(id)) schedule(id);
      return current.accessToken;
    },

    refreshNow: (id) => refresh(id),

    async onUnauthorized(id, alreadyRefreshed) {
      requireStored(id);
      let reason = "Cursor rejected the token again right after a refresh";
      if (!alreadyRefreshed) {
        try {
          await refresh(id);
          return "retry_same";
        } catch (e) {
          reason = `Cursor rejected the token and the refresh failed: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
      registry.markAuthExpired(id, reason);
      return "auth_expired";
    },

    markAuthExpired(id, reason) {
      // "credentials missing" says more than whatever failed because of it.
      const missing = requireStored(id).credentialsMissing;
      update(id, { authExpiredAt: clock.now(), ...(missing ? {} : { authExpiredReason: reason }) });
      cancelTimer(id);
      log.warn("account auth expired; log in again", { account: id, reason });
      emit({ type: "auth_expired", accountId: id });
    },

    clearAuthExpired(id) {
      const s = requireStored(id);
      if (s.authExpiredAt === null) return;
      update(id, { authExpiredAt: null, authExpiredReason: null, credentialsMissing: false });
      schedule(id);
      emit({ type: "auth_restored", accountId: id });
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      closed = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };

  for (const id of Object.keys(readAll())) schedule(id);
  return registry;
}

