// Keeps each account's Cursor tokens fresh: a timer refreshes ahead of expiry (retrying
// with backoff when Cursor is unreachable), accessToken() refreshes when the token is
// inside the refresh lead, and refresh() is single-flight per account. The stored refresh
// token survives a failed refresh. Tokens are cached in memory and taught to the logger's
// redactor; the secret store is re-read before a refresh (another process may have
// rotated the refresh token).
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { Secrets, SecretStore } from "./secret-store.ts";
import { tokenExpiresAt } from "./identity.ts";
import { exchangeRefreshToken } from "./refresh.ts";
import type { FetchLike } from "./cursor-http.ts";
import { notFound, toInfo, type AccountEntries } from "./account-entries.ts";
import type { AccountChange, AccountInfo } from "./registry.ts";
import { createRefreshTimers, REFRESH_LEAD_MS } from "./refresh-timers.ts";
import { singleFlightPerKey } from "./single-flight.ts";

export { REFRESH_LEAD_MS };

export interface TokenRefresherOptions {
  entries: AccountEntries;
  secrets: SecretStore;
  cursorApi: string;
  clock: Clock;
  log: Logger;
  fetch?: FetchLike | undefined;
  /** Refresh on a timer ahead of expiry (the CLI turns it off). */
  timers: boolean;
  emit(change: AccountChange): void;
}

export interface TokenRefresher {
  /** A usable access token, refreshed first when it is inside the refresh lead. */
  accessToken(id: string): Promise<string>;
  /** Refreshes now (single flight per account). */
  refresh(id: string): Promise<AccountInfo>;
  /** New tokens from a login: cached and taught to the redactor. */
  remember(id: string, secrets: Secrets): void;
  /** (Re)arms the account's refresh timer from its stored expiry (nothing when auth expired). */
  schedule(id: string): void;
  /** Forgets the account's timer, cache and retry count. */
  drop(id: string): void;
  cancelTimer(id: string): void;
  close(): void;
}

/** Tokens read from the secret store, cached and taught to the redactor; a missing entry marks the account once. */
function createTokenCache(deps: Pick<TokenRefresherOptions, "entries" | "secrets" | "clock" | "log" | "emit"> & { cache: Map<string, Secrets>; onMissing(id: string): void }) {
  const { entries, secrets, clock, log, emit, cache, onMissing } = deps;
  const remember = (id: string, s: Secrets) => {
    log.addSecret(s.accessToken);
    log.addSecret(s.refreshToken);
    cache.set(id, s);
  };

  /** The store lost the account's credentials: mark it once, then a clear 401. */
  const credentialsMissing = (id: string): RelayError => {
    const stored = entries.readAll()[id];
    if (stored && !stored.credentialsMissing) {
      const reason = `credentials missing — log in again (the ${secrets.kind} store has no stored credentials for ${id})`;
      entries.update(id, { credentialsMissing: true, authExpiredAt: stored.authExpiredAt ?? clock.now(), authExpiredReason: reason });
      onMissing(id);
      log.warn("the account's stored credentials are missing; log in again", { account: id });
      emit({ type: "auth_expired", accountId: id });
    }
    return new RelayError({
      kind: "upstream_auth",
      status: 401,
      message: `account ${id} has no stored credentials in the ${secrets.kind} store; run \`cursor-relay login\` again`,
    });
  };

  const loadSecrets = async (id: string, fresh = false): Promise<Secrets> => {
    const cached = fresh ? undefined : cache.get(id);
    if (cached) return cached;
    const s = await secrets.get(id);
    if (!s) throw credentialsMissing(id);
    remember(id, s);
    return s;
  };
  return { remember, loadSecrets };
}

export function createTokenRefresher(options: TokenRefresherOptions): TokenRefresher {
  const { entries, secrets, clock, log, emit } = options;
  const cache = new Map<string, Secrets>();
  const timers = createRefreshTimers({ entries, clock, enabled: options.timers, refresh: (id) => refresh(id) });
  const cancelTimer = (id: string) => timers.cancel(id);

  const { remember, loadSecrets } = createTokenCache({ entries, secrets, clock, log, emit, cache, onMissing: (id) => timers.cancel(id) });

  async function refreshOnce(id: string): Promise<AccountInfo> {
    entries.require(id);
    // Read the store, not the cache: another process may have rotated the refresh token.
    const current = await loadSecrets(id, true);
    let next: Secrets;
    try {
      next = await exchangeRefreshToken({ cursorApi: options.cursorApi, refreshToken: current.refreshToken, clock, ...(options.fetch ? { fetch: options.fetch } : {}) });
    } catch (e) {
      log.warn("token refresh failed; the stored tokens are kept", { account: id, error: e });
      throw e;
    }
    if (!entries.readAll()[id]) throw notFound(id); // removed while we were refreshing
    await secrets.set(id, next);
    remember(id, next);
    const now = clock.now();
    const stored = entries.update(id, { expiresAt: tokenExpiresAt(next.accessToken, now), lastRefreshAt: now, updatedAt: now });
    timers.succeeded(id);
    log.info("token refreshed", { account: id, expiresAt: new Date(stored.expiresAt).toISOString() });
    emit({ type: "refreshed", accountId: id });
    timers.schedule(id);
    return toInfo(id, stored);
  }

  const refresh = singleFlightPerKey(refreshOnce);

  return {
    async accessToken(id) {
      const s = entries.require(id);
      let current = await loadSecrets(id);
      if (clock.now() >= s.expiresAt - REFRESH_LEAD_MS) {
        try {
          await refresh(id);
          current = await loadSecrets(id);
        } catch {
          // Keep going with the token we have: if Cursor rejects it, the 401 path decides.
        }
      }
      if (!timers.has(id)) timers.schedule(id);
      return current.accessToken;
    },
    refresh,
    remember,
    schedule: (id) => timers.schedule(id),
    drop(id) {
      timers.drop(id);
      cache.delete(id);
    },
    cancelTimer,
    close: () => timers.close(),
  };
}
