// Time is injected everywhere a test would otherwise sleep (cooldowns, TTLs,
// heartbeats, stall watchdogs). Production uses systemClock; tests use ManualClock
// from test/support/manual-clock.ts.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
}

/** The longest delay a Node timer takes; a longer one would fire at once (after 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  /** A delay past MAX_TIMER_MS is capped to it: the timer fires late (callers re-check), never early. */
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, MAX_TIMER_MS));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  },
};
