// The AccountPool (app/base/account-pool.ts) over the registry and the rotation: the
// rotation picks, the registry supplies a fresh token; failures go to whichever of
// the two owns them (401 → the registry's refresh-once dance, the rest → cooldowns).
import type { AccountLease, AccountPool } from "../base/account-pool.ts";
import { RelayError, toRelayError } from "../base/errors.ts";
import { silentLogger, type Logger } from "../base/log.ts";
import type { AccountRegistry } from "./registry.ts";
import type { AccountRotation } from "./account-rotation.ts";
import type { QuotaRouting } from "./quota-routing.ts";

export interface AccountPoolOptions {
  registry: Pick<AccountRegistry, "get" | "getAccessToken" | "onUnauthorized" | "markAuthExpired">;
  rotation: AccountRotation;
  logger?: Logger;
  /** Cursor's usage figures steer the pick (absent: plain round-robin over ready accounts). */
  quota?: QuotaRouting;
}

const isUnauthorized = (err: RelayError) => err.kind === "upstream_auth" || (err.isUpstream && err.status === 401);

export function createAccountPool(options: AccountPoolOptions): AccountPool {
  const { registry, rotation } = options;
  const log = options.logger ?? silentLogger;

  return {
    async acquire({ exclude, prefer, model }): Promise<AccountLease> {
      const skip = new Set(exclude);
      const quota = model !== undefined ? options.quota?.gateFor(model) : undefined;
      let storeError: RelayError | undefined;
      for (;;) {
        let accountId: string;
        try {
          accountId = rotation.pick({ exclude: skip, prefer, quota });
        } catch (e) {
          // A keychain that cannot be read explains "no account" better than "no account".
          const err = toRelayError(e);
          throw storeError && err.kind === "no_accounts" ? storeError : err;
        }
        try {
          const accessToken = await registry.getAccessToken(accountId);
          const info = registry.get(accountId);
          if (info === null) throw new RelayError({ kind: "not_found", status: 404, message: `account ${accountId} was removed` });
          if (info.tokenExpiresAt <= rotation.now()) {
            // getAccessToken refreshes inside the lead and keeps the old token when that
            // fails: a token this close to its end means the refresh keeps failing.
            registry.markAuthExpired(accountId, "the access token expired and refreshing it failed; log in again");
            skip.add(accountId);
            continue;
          }
          return { accountId, accessToken };
        } catch (e) {
          const err = toRelayError(e);
          skip.add(accountId);
          if (err.kind === "not_found") continue; // removed meanwhile
          if (err.kind === "keychain") {
            // The store is unavailable, the account is not at fault: skip it without a mark.
            storeError = err;
            log.warn("could not read the account's token; trying another account", { account: accountId, error: err.message });
            continue;
          }
          log.warn("no usable token for the account; marking it auth expired", { account: accountId, error: err.message });
          try {
            registry.markAuthExpired(accountId, `no usable token: ${err.message}`);
          } catch {
            // removed meanwhile: nothing to mark
          }
        }
      }
    },

    unavailable: () => rotation.whyNoneReady(),

    async failed(accountId, error, alreadyRefreshed) {
      rotation.reportFailure(accountId, error);
      if (!isUnauthorized(error)) return "next";
      try {
        return (await registry.onUnauthorized(accountId, alreadyRefreshed)) === "retry_same" ? "retry_same" : "next";
      } catch (e) {
        log.warn("could not handle the 401 for the account", { account: accountId, error: toRelayError(e).message });
        return "next";
      }
    },

    succeeded: (accountId) => rotation.reportSuccess(accountId),
    recordRequest: (accountId) => rotation.recordRequest(accountId),
    recordUsage: (accountId, tokens) => rotation.recordUsage(accountId, tokens),
    canContinue: (accountId) => {
      const state = registry.get(accountId) ? rotation.stateOf(accountId) : null;
      return state === "ready" || state === "cooling";
    },
  };
}
