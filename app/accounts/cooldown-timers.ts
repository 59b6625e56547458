// One timer per running cooldown. State comes from the clock (a cooldown in the past is
// over even if no timer fired); the timer only announces the end so the UI updates.
import { MAX_TIMER_MS, type Clock, type TimerHandle } from "../base/clock.ts";

export interface CooldownTimers {
  /** (Re)arms the account's timer for `until`; onDue(id, until) runs when the clock passes it. */
  schedule(accountId: string, until: number): void;
  cancel(accountId: string): void;
  close(): void;
}

export function createCooldownTimers(clock: Clock, onDue: (accountId: string, until: number) => void): CooldownTimers {
  const timers = new Map<string, TimerHandle>();
  let closed = false;
  const cancel = (id: string) => {
    timers.get(id)?.cancel();
    timers.delete(id);
  };
  function schedule(id: string, until: number) {
    cancel(id);
    if (closed) return;
    const timer = clock.setTimeout(() => {
      timers.delete(id);
      if (clock.now() < until) return schedule(id, until); // capped delay, or an early tick
      onDue(id, until);
    }, Math.min(MAX_TIMER_MS, Math.max(0, until - clock.now())));
    timers.set(id, timer);
  }
  return {
    schedule,
    cancel,
    close() {
      closed = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };
}
