// Writes the conductor's records to `<dataDir>/state.json`: atomically, at most once per
// debounce for usage counters, at once for what a restart or `cursor-relay accounts` must
// see (a cooldown, a 403 mark, a reset). A failed write is retried on the next tick and
// logged once, not per attempt.
import type { Clock, TimerHandle } from "../base/clock.ts";
import type { Logger } from "../base/log.ts";

export interface StateWriterOptions {
  path: string;
  clock: Clock;
  log: Logger;
  debounceMs: number;
  /** The file's content now (called right before each write). */
  content(): unknown;
  /** Writes the file (writeJsonAtomic in the relay). */
  writeState(path: string, value: unknown): void;
  /** Called right before content() on each write (drops unlisted accounts). */
  beforeWrite(): void;
}

export interface StateWriter {
  /** Something changed: write within the debounce. */
  schedule(): void;
  /** Something a restart must keep changed: write now. */
  writeNow(): void;
  /** Writes now if anything changed. */
  flush(): void;
  /** Flushes; no write is scheduled afterwards. */
  close(): void;
}

export function createStateWriter(options: StateWriterOptions): StateWriter {
  const { path, clock, log } = options;
  let timer: TimerHandle | null = null;
  let dirty = false;
  let failing = false;
  let closed = false;

  const write = () => {
    options.beforeWrite();
    try {
      options.writeState(path, options.content());
      dirty = false;
      if (failing) log.info("account state written again", { path });
      failing = false;
    } catch (e) {
      if (!failing) log.error("could not write the account state; will retry", { path, error: e });
      failing = true;
      schedule();
    }
  };

  function schedule() {
    dirty = true;
    if (timer || closed) return;
    timer = clock.setTimeout(() => {
      timer = null;
      if (dirty) write();
    }, options.debounceMs);
  }

  const flush = () => {
    timer?.cancel();
    timer = null;
    if (dirty) write();
  };

  return {
    schedule,
    writeNow() {
      dirty = true;
      if (!closed) flush();
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      timer?.cancel();
      timer = null;
    },
  };
}
