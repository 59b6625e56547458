// How many turns each client key runs at once: a key past its limit gets a 429 before
// its turn starts, so one busy client cannot take every upstream stream.
import { RelayError } from "../base/errors.ts";

export interface KeyConcurrency {
  /** Takes a slot for `key` or throws a 429; the returned function gives it back (once). */
  acquire(key: string): () => void;
  /** Turns running right now (all keys). */
  readonly active: number;
}

export function createKeyConcurrency(maxPerKey: number): KeyConcurrency {
  const byKey = new Map<string, number>();
  let active = 0;
  return {
    get active() {
      return active;
    },
    acquire(key) {
      const running = byKey.get(key) ?? 0;
      if (running >= maxPerKey) {
        throw new RelayError({
          kind: "rate_limited",
          status: 429,
          message: `too many concurrent requests for this key (limit ${maxPerKey}); retry when one finishes`,
          retryAfterMs: 1000,
        });
      }
      byKey.set(key, running + 1);
      active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        active--;
        const n = (byKey.get(key) ?? 1) - 1;
        if (n <= 0) byKey.delete(key);
        else byKey.set(key, n);
      };
    },
  };
}
