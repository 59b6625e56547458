// The account registry: which Cursor accounts exist, their tokens and their naming.
// Metadata (never a token) lives in the settings store under `accounts`
// (account-entries.ts); tokens live in the SecretStore under the account id and are kept
// fresh by the token refresher (token-refresher.ts). onUnauthorized does the "401 → one
// refresh → retry, else auth expired" dance.
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
import { notifyAll } from "../base/listeners.ts";
import type { Clock } from "../base/clock.ts";
import { silentLogger, type Logger } from "../base/log.ts";
import type { SettingsStore } from "./settings-store.ts";
import type { Secrets, SecretStore } from "./secret-store.ts";
import { normalizeLabel } from "./identity.ts";
import type { FetchLike } from "./cursor-http.ts";
import { createAccountEntries, toInfo, type AccountEntries } from "./account-entries.ts";
import { createTokenRefresher, type TokenRefresher } from "./token-refresher.ts";
import { addFromLogin } from "./add-from-login.ts";

export { malformedAccountEntries, notFound } from "./account-entries.ts";
export { REFRESH_LEAD_MS } from "./token-refresher.ts";

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
  authExpired: boolean;
  authExpiredReason: string | null;
  /** The secret store has no entry for this account (removed by hand, another tool, a wiped keyring). */
  credentialsMissing: boolean;
}

export type AccountChange =
  | { type: "added" | "updated"; accountId: string; replaced: string[] }
  | { type: "removed" | "renamed" | "refreshed" | "auth_expired" | "auth_restored"; accountId: string };

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

type AuthExpiry = Pick<AccountRegistry, "onUnauthorized" | "markAuthExpired" | "clearAuthExpired">;

/** The "401 → one refresh → retry, else auth expired" dance and the auth-expired mark. */
function createAuthExpiry(deps: { entries: AccountEntries; tokens: TokenRefresher; clock: Clock; log: Logger; emit(change: AccountChange): void }): AuthExpiry {
  const { entries, tokens, clock, log, emit } = deps;
  const expiry: AuthExpiry = {
    async onUnauthorized(id, alreadyRefreshed) {
      entries.require(id);
      let reason = "Cursor rejected the token again right after a refresh";
      if (!alreadyRefreshed) {
        try {
          await tokens.refresh(id);
          return "retry_same";
        } catch (e) {
          reason = `Cursor rejected the token and the refresh failed: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
      expiry.markAuthExpired(id, reason);
      return "auth_expired";
    },

    markAuthExpired(id, reason) {
      // "credentials missing" says more than whatever failed because of it.
      const missing = entries.require(id).credentialsMissing;
      entries.update(id, { authExpiredAt: clock.now(), ...(missing ? {} : { authExpiredReason: reason }) });
      tokens.cancelTimer(id);
      log.warn("account auth expired; log in again", { account: id, reason });
      emit({ type: "auth_expired", accountId: id });
    },

    clearAuthExpired(id) {
      const s = entries.require(id);
      if (s.authExpiredAt === null) return;
      entries.update(id, { authExpiredAt: null, authExpiredReason: null, credentialsMissing: false });
      tokens.schedule(id);
      emit({ type: "auth_restored", accountId: id });
    },
  };
  return expiry;
}

export function createAccountRegistry(options: AccountRegistryOptions): AccountRegistry {
  const { settings, secrets, clock } = options;
  const log = options.logger ?? silentLogger;
  const listeners = new Set<(c: AccountChange) => void>();
  const entries = createAccountEntries(settings);
  const { readAll, writeAll, update } = entries;
  const requireStored = (id: string) => entries.require(id);
  const emit = (change: AccountChange) => {
    notifyAll(listeners, change, (e) => log.error("account change listener failed", { error: e }));
  };
  const tokens = createTokenRefresher({
    entries,
    secrets,
    cursorApi: options.cursorApi.replace(/\/+$/, ""),
    clock,
    log,
    fetch: options.fetch,
    timers: options.refreshTimers ?? true,
    emit,
  });

  const authExpiry = createAuthExpiry({ entries, tokens, clock, log, emit });

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

    addFromLogin: (loginTokens, rawLabel) => addFromLogin({ entries, secrets, tokens, clock, log, emit }, loginTokens, rawLabel),

    async remove(id) {
      requireStored(id);
      tokens.drop(id);
      await secrets.delete(id);
      const all = readAll();
      delete all[id];
      writeAll(all);
      log.info("account removed", { account: id });
      emit({ type: "removed", accountId: id });
    },

    rename(id, rawLabel) {
      const label = normalizeLabel(rawLabel);
      const s = update(id, { label, updatedAt: clock.now() });
      emit({ type: "renamed", accountId: id });
      return toInfo(id, s);
    },

    getAccessToken: (id) => tokens.accessToken(id),
    refreshNow: (id) => tokens.refresh(id),

    ...authExpiry,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close: () => tokens.close(),
  };

  for (const id of Object.keys(readAll())) tokens.schedule(id);
  return registry;
}

