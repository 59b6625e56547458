// A watchdog for "nothing has come for `ms`": the stall watchdog of a Run (no frame at all)
// and its heartbeats-only watchdog (no progress) are both one of these.
import type { Clock, TimerHandle } from "../base/clock.ts";

export interface QuietWatchdog {
  /** Something came: the quiet starts again now, and the watch runs (unless paused until then, or ended). */
  touch(): void;
  /** The quiet starts again now, without starting a paused watch (reading resumed after backpressure). */
  restartQuiet(): void;
  /** No watch until the next touch() (e.g. while a tool call waits for the client). */
  pause(): void;
  /** No watch ever again. */
  end(): void;
}

/**
 * One timer that re-arms itself for the rest of the window when something came meanwhile:
 * cheaper than a new timer per frame (a 10 MB reply has ~300k). While `held()` (the run
 * stopped reading: silence then is ours, not the server's) the quiet does not count.
 */
export function createQuietWatchdog(clock: Clock, ms: number, held: () => boolean, onQuiet: () => void): QuietWatchdog {
  let lastAt = clock.now();
  let timer: TimerHandle | undefined;
  let ended = false;
  const check = (): void => {
    timer = undefined;
    if (ended) return;
    const quiet = clock.now() - lastAt;
    if (quiet >= ms && !held()) onQuiet();
    else timer = clock.setTimeout(check, held() ? ms : ms - quiet);
  };
  return {
    touch() {
      lastAt = clock.now();
      if (!ended) timer ??= clock.setTimeout(check, ms);
    },
    restartQuiet() {
      lastAt = clock.now();
    },
    pause() {
      timer?.cancel();
      timer = undefined;
    },
    end() {
      ended = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
