// Writes the rotation's records to `<dataDir>/state.json` through the shared coalescing
// writer: at most once per debounce, off the event loop, for usage counters; at once, on
// the caller's turn, for what a restart (even after a crash a moment later) or `cursor-relay
// accounts` must see (a cooldown, a 403 mark, a reset). A failed write is retried after the debounce and logged once, not per attempt.
import type { Clock } from "../base/clock.ts";
import { createCoalescingWriter, type AtomicFileWrites } from "../base/coalescing-writer.ts";
import type { Logger } from "../base/log.ts";

export interface StateWriterOptions {
  path: string;
  clock: Clock;
  log: Logger;
  debounceMs: number;
  /** The file's content now (called right before each write). */
  content(): unknown;
  /** How the file is written (default: atomic, off the event loop). */
  files?: AtomicFileWrites;
}

export interface StateWriter {
  /** Something changed: write within the debounce. */
  schedule(): void;
  /** Something a restart must keep changed: written now, synchronously. */
  writeNow(): void;
  /** Writes now if anything changed; resolves once it is on disk. */
  flush(): Promise<void>;
  /** Writes what is pending synchronously; no write is scheduled afterwards. */
  close(): void;
}

export function createStateWriter(options: StateWriterOptions): StateWriter {
  const { path, log } = options;
  let failing = false;
  const writer = createCoalescingWriter<unknown>({
    path,
    clock: options.clock,
    debounceMs: options.debounceMs,
    ...(options.files ? { files: options.files } : {}),
    onError(e) {
      if (!failing) log.error("could not write the account state; will retry", { path, error: e });
      failing = true;
    },
    onWritten() {
      if (failing) log.info("account state written again", { path });
      failing = false;
    },
  });
  return {
    schedule: () => writer.schedule(options.content),
    writeNow: () => writer.writeNow(options.content),
    flush: () => writer.flush(),
    close: () => writer.stop(),
  };
}
