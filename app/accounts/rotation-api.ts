// What the rotation offers and needs, as types only (the implementation is account-rotation.ts).
import type { Clock } from "../base/clock.ts";
import type { AtomicFileWrites } from "../base/coalescing-writer.ts";
import type { AccountState, AccountView, TokenCounts } from "../base/control-api.ts";
import type { RelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { AccountChange } from "./registry.ts";
import type { AccountStatus, AccountStatusSource } from "./status-source.ts";
import type { BackoffPolicy } from "./backoff-policy.ts";
import type { PickOptions } from "./account-picker.ts";

export type { PickOptions } from "./account-picker.ts";

/** What the rotation needs to know about an account (AccountInfo from the registry fits). */
export interface RotationAccount {
  id: string;
  authExpired: boolean;
  tokenExpiresAt?: number | null;
}

/** The registry, as the rotation sees it. With onChange, removals and re-logins are followed on their own. */
export interface RotationAccountSource {
  /** Accounts in their stable order (round-robin ties follow it). */
  list(): RotationAccount[];
  onChange?(listener: (change: AccountChange) => void): () => void;
}

export interface RotationOptions {
  dataDir: string;
  clock: Clock;
  accounts: RotationAccountSource;
  logger?: Logger;
  /** At most one state.json write per this many ms (default 1000). */
  persistDebounceMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** How the state file is written (default: atomic, off the event loop). */
  stateFiles?: AtomicFileWrites;
}

export type RotationChangeType =
  | "cooling" // a cooldown started (or was extended)
  | "cooldown_ended" // its time passed: back in rotation
  | "reset" // resetCooldown (here or by `accounts reset`)
  | "usage" // a request or tokens were recorded
  | "error" // an error was counted without changing the state (401, client/relay errors)
  | "forgotten" // the account's state was dropped
  | "account"; // the registry changed the account (relayed)

export interface RotationChange {
  type: RotationChangeType;
  accountId: string;
}

export type FailureOutcome =
  | { action: "cooling"; until: number; cooldownMs: number; status: number; reason: string }
  /** Counted only: 401 (the registry refreshes) or a failure that says nothing about the account. */
  | { action: "recorded" };

/** Every AccountView field except what the registry / session layer supply (naming, sessions). */
export type RotationAccountView = Omit<AccountView, "displayLabel" | "label" | "sessions">;


export interface AccountRotation extends AccountStatusSource {
  /**
   * The account for the next turn: `prefer` when it is ready, else the ready account
   * picked least recently. When no candidate is ready it throws the answer of
   * unavailableError (each account's reason; 429 only when every wait is about quota,
   * else 503 `no_accounts`); 503 `no_accounts` also when none is added or all are excluded.
   */
  pick(options?: PickOptions): string;
  /** The answer pick would throw now, without picking (nothing moves); null when an account is ready. */
  whyNoneReady(options?: PickOptions): RelayError | null;
  stateOf(accountId: string): AccountState;
  /** Listed by the registry and ready now. */
  isReady(accountId: string): boolean;
  reportFailure(accountId: string, err: RelayError): FailureOutcome;
  /** Resets the backoff levels (a running cooldown is left alone). */
  reportSuccess(accountId: string): void;
  /** Ends a cooldown at once, clears a 403 disabled reason and the backoff levels. */
  resetCooldown(accountId: string): void;
  /** Ends a running cooldown only (the figures took over, or show room again); backoff levels stay. */
  endCooldown(accountId: string): void;
  recordRequest(accountId: string): void;
  recordUsage(accountId: string, tokens: Partial<TokenCounts>): void;
  /** Input + output tokens per minute over the last hour, oldest first, 60 entries. */
  tokensPerMinute(accountId: string): number[];
  /** Same as status(): the rotation is the live AccountStatusSource. */
  statusOf(accountId: string): AccountStatus;
  view(accountId: string): RotationAccountView;
  /** view() of every listed account, in the registry's order. */
  views(): RotationAccountView[];
  /** Drops everything known about an account (after it was removed). */
  forget(accountId: string): void;
  onChange(listener: (change: RotationChange) => void): () => void;
  /** The rotation's clock reading. */
  now(): number;
  /** Writes state.json now if anything changed; resolves once it is on disk. */
  flush(): Promise<void>;
  /** Flushes and stops every timer and subscription. */
  close(): void;
}
