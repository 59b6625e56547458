// One refresh timer per account, due REFRESH_LEAD_MS before its stored expiry. A failed
// timed refresh retries with backoff; a success (succeeded) resets the backoff.
import { MAX_TIMER_MS, type Clock } from "../base/clock.ts";
import { createKeyedTimers } from "./keyed-timers.ts";
import type { AccountEntries } from "./account-entries.ts";

/** Refresh this long before `expires_at` (which is already exp − 5 min). */
export const REFRESH_LEAD_MS = 10 * 60_000;
const RETRY_FIRST_MS = 60_000;
const RETRY_MAX_MS = 15 * 60_000;

export interface RefreshTimers {
  /** (Re)arms the account's timer from its stored expiry (nothing when auth expired or timers are off). */
  schedule(id: string): void;
  has(id: string): boolean;
  cancel(id: string): void;
  /** A refresh worked: the next failure starts the backoff from the beginning. */
  succeeded(id: string): void;
  drop(id: string): void;
  close(): void;
}

export function createRefreshTimers(options: {
  entries: AccountEntries;
  clock: Clock;
  enabled: boolean;
  refresh(id: string): Promise<unknown>;
}): RefreshTimers {
  const { entries, clock } = options;
  const timers = createKeyedTimers(clock);
  const failures = new Map<string, number>();

  function schedule(id: string, delayOverride?: number) {
    if (!options.enabled) return;
    timers.cancel(id);
    const s = entries.readAll()[id];
    if (!s || s.authExpiredAt !== null) return;
    const due = s.expiresAt - REFRESH_LEAD_MS;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, delayOverride ?? due - clock.now()));
    timers.set(id, delay, () => {
      const current = entries.readAll()[id];
      if (!current || current.authExpiredAt !== null) return;
      // Another process (or a request) may have refreshed already: only refresh when due.
      if (delayOverride === undefined && clock.now() < current.expiresAt - REFRESH_LEAD_MS) return schedule(id);
      options.refresh(id).catch(() => {
        const n = (failures.get(id) ?? 0) + 1;
        failures.set(id, n);
        schedule(id, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (n - 1)));
      });
    });
  }

  return {
    schedule: (id) => schedule(id),
    has: timers.has,
    cancel: timers.cancel,
    succeeded: (id) => failures.delete(id),
    drop(id) {
      timers.cancel(id);
      failures.delete(id);
    },
    close: timers.close,
  };
}
