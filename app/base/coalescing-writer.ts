// One file kept up to date from memory: changes are scheduled, coalesced (only the newest
// value is written) and written after a debounce, atomically and off the event loop (temp
// file 0600 written and fsynced on the thread pool, then renamed). At most one write runs;
// what is scheduled meanwhile is written next. writeNow() writes on the caller's turn, for
// what must be on disk before anything else happens (it survives a crash a moment later);
// stop() writes what is still pending, or was in flight, the same way, so a clean stop
// loses nothing. An older write still in flight never lands over a synchronous one. A failed write is tried again after the debounce unless
// something newer is scheduled first (with no debounce, the next schedule tries again).
import type { Clock, TimerHandle } from "./clock.ts";
import { writeFileAtomic, writeFileAtomicAsync } from "./json-file.ts";

/** How the file is written (tests wrap it to count writes). */
export interface AtomicFileWrites {
  /** Off the event loop; `stillWanted` is asked right before the file is replaced. Resolves true when it was. */
  write(path: string, data: string, stillWanted: () => boolean): Promise<boolean>;
  /** On the caller's turn (the last write, on stop). */
  writeSync(path: string, data: string): void;
}

export const atomicFileWrites: AtomicFileWrites = { write: writeFileAtomicAsync, writeSync: writeFileAtomic };

export interface CoalescingWriterOptions<T> {
  path: string;
  /** Written at most once per this many ms; 0 (the default) starts writing at once. */
  debounceMs?: number;
  /** The debounce's timers (needed when debounceMs > 0). */
  clock?: Clock;
  /** The file's text for a value (default: indented JSON and a newline). */
  serialize?: (value: T) => string;
  files?: AtomicFileWrites;
  onError?: (error: unknown) => void;
  /** A write landed (after onError, says the file is good again). */
  onWritten?: () => void;
}

export interface CoalescingWriter<T> {
  /** The file should hold this value (or what the producer returns when the write starts). */
  schedule(next: T | (() => T)): void;
  /** True while a scheduled value is not yet handed to a write. */
  readonly pending: boolean;
  /** Starts writing what is scheduled now; resolves once nothing is pending or in flight (after stop(): once a write still in flight settled). */
  flush(): Promise<void>;
  /** Writes this value (or the producer's) synchronously, now: it is on disk when this returns. */
  writeNow(next: T | (() => T)): void;
  /** Writes what is pending or in flight synchronously; nothing is written afterwards. */
  stop(): void;
}

const prettyJson = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

export function createCoalescingWriter<T>(options: CoalescingWriterOptions<T>): CoalescingWriter<T> {
  const { path, clock } = options;
  const debounceMs = Math.max(0, options.debounceMs ?? 0);
  if (debounceMs > 0 && !clock) throw new Error("a debounced writer needs a clock");
  const serialize = options.serialize ?? prettyJson;
  const files = options.files ?? atomicFileWrites;
  let pending: (() => T) | null = null;
  let inFlight: (() => T) | null = null; // handed to a write that has not landed yet
  let running: Promise<void> | null = null;
  let timer: TimerHandle | null = null;
  let stopped = false;
  let syncWrites = 0; // an async write started before a synchronous one must not land after it

  const arm = () => {
    if (debounceMs === 0) startWriting();
    else timer ??= clock!.setTimeout(startWriting, debounceMs);
  };

  /** Writes until nothing is pending; a failure keeps its value for the retry. */
  async function writeAll(): Promise<void> {
    while (pending !== null && !stopped) {
      const produce = (inFlight = pending);
      pending = null;
      const startedAfter = syncWrites;
      try {
        if (await files.write(path, serialize(produce()), () => !stopped && syncWrites === startedAfter)) options.onWritten?.();
        if (inFlight === produce) inFlight = null;
      } catch (e) {
        if (inFlight === produce) inFlight = null;
        options.onError?.(e);
        if (debounceMs > 0 && pending === null && !stopped) {
          pending = produce;
          arm();
          return;
        }
      }
    }
  }

  function startWriting(): void {
    timer?.cancel();
    timer = null;
    if (running || stopped || pending === null) return;
    running = writeAll().finally(() => {
      running = null;
      if (pending !== null && timer === null) startWriting();
    });
  }

  const toProducer = (next: T | (() => T)): (() => T) => (typeof next === "function" ? (next as () => T) : () => next);
  /** What is pending or in flight, written on the caller's turn. */
  const writeSyncNow = (produce: () => T) => {
    timer?.cancel();
    timer = null;
    pending = inFlight = null;
    syncWrites++;
    try {
      files.writeSync(path, serialize(produce()));
      options.onWritten?.();
    } catch (e) {
      options.onError?.(e);
      if (!stopped) {
        pending = produce;
        arm();
      }
    }
  };

  return {
    schedule(next) {
      if (stopped) return;
      pending = toProducer(next);
      arm();
    },
    writeNow(next) {
      if (!stopped) writeSyncNow(toProducer(next));
    },
    get pending() {
      return pending !== null;
    },
    async flush() {
      startWriting();
      while (running) await running;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      const last = pending ?? inFlight;
      if (last !== null) writeSyncNow(last);
      timer?.cancel();
      timer = null;
    },
  };
}
