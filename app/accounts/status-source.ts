// Live account status (cooldown, 403 disable, usage) belongs to the conductor, which
// persists it in `<dataDir>/state.json` (conductor-state.ts reads and writes that file;
// nothing else parses it). A running relay's conductor is an AccountStatusSource itself;
// without one (the CLI) the status comes from the file through the same reader. The
// auth-expired mark lives in the registry (settings.json).
import { join } from "node:path";
import type { TokenCounts } from "../base/control-api.ts";
import { RelayError } from "../base/errors.ts";
import { writeJsonAtomic } from "../base/json-file.ts";
import { silentLogger } from "../base/log.ts";
import { isStateFileDamaged, loadStateFile, resetRecord, stateToJson, type LoadedState } from "./conductor-state.ts";
import { statusOf } from "./account-status-view.ts";

export { accountStateOf } from "./account-status-view.ts";
export { usageDayKey } from "./usage-meter.ts";

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

/** A ready account with no usage. */
export const emptyStatus = (): AccountStatus => statusOf(undefined, undefined, 0);

/** state.json for a process that runs no relay; a damaged file is a clear error, never a silent reset. */
function loadForCli(dataDir: string, now: number): LoadedState & { path: string } {
  const path = join(dataDir, STATE_FILE);
  if (isStateFileDamaged(path)) {
    throw new RelayError({ kind: "config", status: 500, message: `${path} is not valid JSON; remove it to reset usage and cooldowns` });
  }
  return { ...loadStateFile(path, now, silentLogger), path };
}

/** Reads `<dataDir>/state.json` on every call (it may be rewritten by a running relay). */
export function createStateFileStatusSource(dataDir: string, now: () => number): AccountStatusSource {
  return {
    status(accountId) {
      const at = now();
      return statusOf(loadForCli(dataDir, at).accounts.get(accountId), undefined, at);
    },
  };
}

/**
 * `accounts reset` with no relay running: clears an account's cooldown, 403 reason,
 * backoff levels and last error in state.json (usage, errors and other accounts
 * untouched). Returns false when the file has no entry for it.
 */
export function resetStatusInStateFile(dataDir: string, accountId: string, now: number): boolean {
  const { path, accounts, extra } = loadForCli(dataDir, now);
  const r = accounts.get(accountId);
  if (!r) return false;
  resetRecord(r);
  writeJsonAtomic(path, stateToJson(accounts, extra, now));
  return true;
}

/** `accounts remove` with no relay running: drops the account's entry from state.json. */
export function forgetInStateFile(dataDir: string, accountId: string, now: number): void {
  const { path, accounts, extra } = loadForCli(dataDir, now);
  if (!accounts.delete(accountId)) return;
  writeJsonAtomic(path, stateToJson(accounts, extra, now));
}
