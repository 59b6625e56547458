// Pushes snapshots to subscribers when something changed, coalesced: at most one push
// per interval however many changes arrive (token counters tick on every delta).
import type { Clock, TimerHandle } from "../base/clock.ts";
import { notifyAll } from "../base/listeners.ts";
import type { Snapshot } from "../base/control-api.ts";
import type { Logger } from "../base/log.ts";

export interface SnapshotPublisher {
  /** Something changed: a snapshot goes out within the interval. */
  changed(): void;
  subscribe(listener: (s: Snapshot) => void): () => void;
  close(): void;
}

export function createSnapshotPublisher(options: {
  clock: Clock;
  build: () => Snapshot;
  logger: Logger;
  /** Minimum time between pushes (default 250 ms: at most 4 per second). */
  intervalMs?: number;
}): SnapshotPublisher {
  const interval = options.intervalMs ?? 250;
  const listeners = new Set<(s: Snapshot) => void>();
  let timer: TimerHandle | null = null;
  let lastPush = Number.NEGATIVE_INFINITY;
  let closed = false;

  const push = () => {
    timer = null;
    if (closed || listeners.size === 0) return;
    lastPush = options.clock.now();
    const snapshot = options.build();
    notifyAll(listeners, snapshot, (e) =>
      options.logger.warn("snapshot listener failed", { error: e instanceof Error ? e.message : String(e) }),
    );
  };

  return {
    changed() {
      if (closed || timer !== null || listeners.size === 0) return;
      const wait = Math.max(0, lastPush + interval - options.clock.now());
      timer = options.clock.setTimeout(push, wait);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      timer?.cancel();
      timer = null;
      listeners.clear();
    },
  };
}
