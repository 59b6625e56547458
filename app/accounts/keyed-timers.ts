// One timer per key (an account id): arming a key again replaces its timer, a fired timer
// is forgotten before its callback runs (so the callback may arm it again), and nothing is
// armed after close().
import type { Clock, TimerHandle } from "../base/clock.ts";

export interface KeyedTimers {
  /** (Re)arms the key's timer. */
  set(key: string, ms: number, fn: () => void): void;
  has(key: string): boolean;
  cancel(key: string): void;
  close(): void;
}

export function createKeyedTimers(clock: Clock): KeyedTimers {
  const timers = new Map<string, TimerHandle>();
  let closed = false;
  const cancel = (key: string) => {
    timers.get(key)?.cancel();
    timers.delete(key);
  };
  return {
    set(key, ms, fn) {
      cancel(key);
      if (closed) return;
      timers.set(
        key,
        clock.setTimeout(() => {
          timers.delete(key);
          fn();
        }, ms),
      );
    },
    has: (key) => timers.has(key),
    cancel,
    close() {
      closed = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
    },
  };
}
