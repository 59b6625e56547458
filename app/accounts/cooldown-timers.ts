// One timer per running cooldown. State comes from the clock (a cooldown in the past is
// over even if no timer fired); the timer only announces the end so the UI updates.
import { MAX_TIMER_MS, type Clock } from "../base/clock.ts";
import { createKeyedTimers } from "./keyed-timers.ts";

export interface CooldownTimers {
  /** (Re)arms the account's timer for `until`; onDue(id, until) runs when the clock passes it. */
  schedule(accountId: string, until: number): void;
  cancel(accountId: string): void;
  close(): void;
}

export function createCooldownTimers(clock: Clock, onDue: (accountId: string, until: number) => void): CooldownTimers {
  const timers = createKeyedTimers(clock);
  function schedule(id: string, until: number) {
    timers.set(id, Math.min(MAX_TIMER_MS, Math.max(0, until - clock.now())), () => {
      if (clock.now() < until) return schedule(id, until); // capped delay, or an early tick
      onDue(id, until);
    });
  }
  return { schedule, cancel: timers.cancel, close: timers.close };
}
