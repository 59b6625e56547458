// Live account status (cooldown, 403 disable, usage) belongs to the rotation, which
// persists it in `<dataDir>/state.json` (rotation-state.ts reads and writes that file;
// nothing else parses it). A running relay's rotation is an AccountStatusSource itself;
// without one (the CLI) each command reads the file once through the same reader. The
// auth-expired mark lives in the registry (settings.json).
import { join } from "node:path";
import type { TokenCounts } from "../base/control-api.ts";
import { writeJsonAtomic } from "../base/json-file.ts";
import { silentLogger } from "../base/log.ts";
import { loadStateFile, resetRecord, STATE_FILE, stateToJson, type LoadedState } from "./rotation-state.ts";
import { statusOf } from "./account-status-view.ts";

export { accountStateOf } from "./account-status-view.ts";
export { usageDayKey } from "./usage-meter.ts";

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

/** state.json as one command that runs no relay read it (once), with where it lives. */
export interface StateFileContents extends LoadedState {
  path: string;
}

/**
 * Reads `<dataDir>/state.json` once for a command. A damaged file is moved aside and
 * `warn` says so, as `serve` does; the command goes on with empty usage and no cooldowns.
 */
export function readStateFile(dataDir: string, now: number, warn: (message: string) => void): StateFileContents {
  const path = join(dataDir, STATE_FILE);
  const loaded = loadStateFile(path, now, silentLogger);
  if (loaded.damaged !== null) warn(loaded.damaged);
  return { ...loaded, path };
}

/** Status from what a command read of state.json (a running relay may rewrite it later). */
export function stateFileStatusSource(state: LoadedState, now: () => number): AccountStatusSource {
  return {
    status: (accountId) => statusOf(state.accounts.get(accountId), undefined, now()),
  };
}

/**
 * `accounts reset` with no relay running: clears an account's cooldown, 403 reason,
 * backoff levels and last error in state.json (usage, errors and other accounts
 * untouched). Returns false when the file has no entry for it.
 */
export function resetStatusInStateFile(state: StateFileContents, accountId: string, now: number): boolean {
  const r = state.accounts.get(accountId);
  if (!r) return false;
  resetRecord(r);
  writeJsonAtomic(state.path, stateToJson(state.accounts, state.extra, now));
  return true;
}

/** `accounts remove` with no relay running: drops the account's entry from state.json. */
export function forgetInStateFile(state: StateFileContents, accountId: string, now: number): void {
  if (!state.accounts.delete(accountId)) return;
  writeJsonAtomic(state.path, stateToJson(state.accounts, state.extra, now));
}
