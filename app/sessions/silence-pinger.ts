// Keeps a client's connection alive while the upstream is silent: a ping after every
// interval without an event. One timer that re-arms itself, not one per event (a 10 MB
// reply has ~300k events).
import type { Clock, TimerHandle } from "../base/clock.ts";

export interface SilencePinger {
  /** An event arrived: the silence starts again. */
  seen(): void;
  /** While paused, silence sends no ping. */
  pause(on: boolean): void;
  stop(): void;
}

export function createSilencePinger(clock: Clock, intervalMs: number, ping: () => void): SilencePinger {
  let last = clock.now();
  let paused = false;
  let timer: TimerHandle | null = null;
  const fire = () => {
    const quiet = clock.now() - last;
    if (quiet >= intervalMs) {
      if (!paused) ping();
      last = clock.now();
      timer = clock.setTimeout(fire, intervalMs);
    } else timer = clock.setTimeout(fire, intervalMs - quiet);
  };
  timer = clock.setTimeout(fire, intervalMs);
  return {
    seen: () => void (last = clock.now()),
    pause: (on) => void (paused = on),
    stop: () => timer?.cancel(),
  };
}
