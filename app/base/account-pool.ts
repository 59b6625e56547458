// The contract between the session layer and the accounts layer: a lease on a ready
// account with a fresh token, and somewhere to report outcomes and usage. Implemented
// over the registry and the rotation (app/accounts/account-pool.ts); sessions only
// see this interface.
import type { RelayError } from "./errors.ts";
import type { TokenCounts } from "./control-api.ts";

export interface AccountLease {
  accountId: string;
  accessToken: string;
}

export interface AccountPool {
  /**
   * A ready account (the preferred one when it is ready, else round-robin) with a fresh
   * token. Throws a RelayError when none: 429 `rate_limited` with retryAfterMs = the
   * soonest cooldown end when every account is cooling, 503 `no_accounts` when there is
   * no usable account at all (none added, all disabled/expired, or all excluded).
   */
  acquire(options: {
    exclude: ReadonlySet<string>;
    prefer?: string | undefined;
    /** The client's model name: its quota pool steers the pick (accounts with that pool used up are skipped). */
    model?: string | undefined;
  }): Promise<AccountLease>;
  /**
   * What acquire({ exclude: none }) would throw now, asked without side effects (no pick
   * recorded, no token refreshed); null when an account is ready.
   */
  unavailable(): RelayError | null;
  /**
   * An upstream failure on this account. Cools it down / disables it / refreshes its
   * token as the error says. Returns "retry_same" when the account got fresh credentials
   * and the same turn may be tried on it once more (401 → refresh succeeded and
   * alreadyRefreshed was false); "next" otherwise.
   */
  failed(accountId: string, error: RelayError, alreadyRefreshed: boolean): Promise<"retry_same" | "next">;
  /** A turn finished well on this account (resets its backoff). */
  succeeded(accountId: string): void;
  /** One client request was served (or started to be served) by this account. */
  recordRequest(accountId: string): void;
  recordUsage(accountId: string, tokens: Partial<TokenCounts>): void;
  /**
   * Whether a stream already open on this account may go on (a tool result resumes it):
   * false once the account is removed, disabled or its login expired. A cooling account
   * may still finish what Cursor already accepted; it only gets no new turns.
   */
  canContinue(accountId: string): boolean;
}
