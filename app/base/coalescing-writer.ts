// One file kept up to date from memory: changes are scheduled, coalesced (only the newest
// value is written) and written after a debounce, atomically and off the event loop (temp
// file 0600 written and fsynced on the thread pool, then renamed). At most one write runs;
// what is scheduled meanwhile is written next. writeNow() writes on the caller's turn, for
// what must be on disk before anything else happens (it survives a crash a moment later);
// stop() writes what is still pending, or was in flight, the same way, so a clean stop
// loses nothing. An older write still in flight never lands over a synchronous one. A
// failed write is tried again after the debounce unless something newer is scheduled
// first (with no debounce, the next schedule or stop() tries again).
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
  /** Written at most once per this many ms (a value scheduled during a write waits for the next window); 0 (the default) starts writing at once. */
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
  /** Writes what is scheduled now, debounce or not, and resolves once it landed (a value whose write failed stays pending for its retry; after stop(): once a write still in flight settled). */
  flush(): Promise<void>;
  /** Writes this value (or the producer's) synchronously, now: it is on disk when this returns. */
  writeNow(next: T | (() => T)): void;
  /** Writes what is pending or in flight synchronously; nothing is written afterwards. */
  stop(): void;
}

const prettyJson = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

type Producer<T> = () => T;

/** One writer's state; the functions below move it. */
interface WriterState<T> {
  path: string;
  debounceMs: number;
  clock: Clock | undefined;
  serialize: (value: T) => string;
  files: AtomicFileWrites;
  onError: (error: unknown) => void;
  onWritten: () => void;
  pending: Producer<T> | null;
  /** Handed to an async write that has not landed yet. */
  inFlight: Producer<T> | null;
  /** The last value whose write failed with nothing newer scheduled since: stop() writes it. */
  failed: Producer<T> | null;
  running: Promise<void> | null;
  timer: TimerHandle | null;
  stopped: boolean;
  /** Synchronous writes so far: an async write started before one must not land after it. */
  syncWrites: number;
}

function cancelTimer(st: { timer: TimerHandle | null }): void {
  st.timer?.cancel();
  st.timer = null;
}

/** Writing starts after the debounce (at once without one). */
function arm<T>(st: WriterState<T>): void {
  if (st.debounceMs === 0) startWriting(st);
  else st.timer ??= st.clock!.setTimeout(() => startWriting(st), st.debounceMs);
}

function startWriting<T>(st: WriterState<T>): void {
  cancelTimer(st);
  if (st.running || st.stopped || st.pending === null) return;
  st.running = writeAll(st).finally(() => {
    st.running = null;
    if (st.pending !== null && st.timer === null) startWriting(st);
  });
}

/**
 * Writes what is pending; what is scheduled meanwhile is written next, at once without a
 * debounce, else after the next debounce (at most one write per window). A failed value is
 * kept: retried after the debounce, or with none by the next schedule, flush or stop.
 */
async function writeAll<T>(st: WriterState<T>): Promise<void> {
  while (st.pending !== null && !st.stopped) {
    const produce = (st.inFlight = st.pending);
    st.pending = null;
    st.failed = null;
    const startedAfter = st.syncWrites;
    try {
      if (await st.files.write(st.path, st.serialize(produce()), () => !st.stopped && st.syncWrites === startedAfter)) st.onWritten();
      if (st.inFlight === produce) st.inFlight = null;
    } catch (e) {
      if (st.inFlight === produce) st.inFlight = null;
      // A synchronous write landed since this one started: the file is good, nothing to report.
      if (st.syncWrites !== startedAfter || st.stopped) continue;
      st.onError(e);
      if (st.pending === null) {
        st.failed = produce;
        if (st.debounceMs > 0) {
          st.pending = produce;
          arm(st);
        }
        return;
      }
    }
    if (st.debounceMs > 0 && st.pending !== null) {
      arm(st);
      return;
    }
  }
}

/** Writes on the caller's turn; whatever was pending or in flight is superseded by it. */
function writeSyncNow<T>(st: WriterState<T>, produce: Producer<T>): void {
  cancelTimer(st);
  st.pending = st.inFlight = st.failed = null;
  st.syncWrites++;
  try {
    st.files.writeSync(st.path, st.serialize(produce()));
    st.onWritten();
  } catch (e) {
    st.onError(e);
    if (!st.stopped) {
      st.pending = produce;
      arm(st);
    }
  }
}

const toProducer = <T>(next: T | Producer<T>): Producer<T> => (typeof next === "function" ? (next as Producer<T>) : () => next);

export function createCoalescingWriter<T>(options: CoalescingWriterOptions<T>): CoalescingWriter<T> {
  const debounceMs = Math.max(0, options.debounceMs ?? 0);
  if (debounceMs > 0 && !options.clock) throw new Error("a debounced writer needs a clock");
  const st: WriterState<T> = {
    path: options.path,
    debounceMs,
    clock: options.clock,
    serialize: options.serialize ?? prettyJson,
    files: options.files ?? atomicFileWrites,
    onError: options.onError ?? (() => {}),
    onWritten: options.onWritten ?? (() => {}),
    pending: null,
    inFlight: null,
    failed: null,
    running: null,
    timer: null,
    stopped: false,
    syncWrites: 0,
  };
  return {
    schedule(next) {
      if (st.stopped) return;
      st.pending = toProducer(next);
      arm(st);
    },
    writeNow(next) {
      if (!st.stopped) writeSyncNow(st, toProducer(next));
    },
    get pending() {
      return st.pending !== null;
    },
    async flush() {
      // The write in flight, then what was scheduled during it (debounce or not); a value
      // whose write just failed is left for its retry. Bounded: a writer scheduled without
      // pause still lets its flush return.
      for (let round = 0; round < 3; round++) {
        startWriting(st);
        if (st.running) await st.running;
        if (st.pending === null || st.pending === st.failed || st.stopped) break;
      }
    },
    stop() {
      if (st.stopped) return;
      st.stopped = true;
      const last = st.pending ?? st.inFlight ?? st.failed;
      if (last !== null) writeSyncNow(st, last);
      cancelTimer(st);
    },
  };
}
