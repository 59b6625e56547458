// Bursty upstream deltas become fewer client events (docs/protocol.md §10): a delta
// that arrives after a quiet spell goes out at once; the ones right behind it are
// batched until the batch holds maxBytes or maxDelayMs have passed, whichever is first.
// A batch holds one kind only (thinking or text). The writer flushes before anything that
// must keep its order (a tool call, a block change, the end, a failure).
//
// A burst of 64-byte deltas thus costs one JSON event and one socket write per ~512
// bytes instead of one per delta, while a slow trickle is forwarded as it comes.
import { systemClock, type Clock, type TimerHandle } from "../base/clock.ts";

export interface CoalesceOptions {
  /** Flush a batch once it holds this many characters (default 512). */
  maxBytes?: number;
  /** Nothing waits longer than this in a batch (default 16 ms). */
  maxDelayMs?: number;
}

export const DEFAULT_COALESCE: Required<CoalesceOptions> = { maxBytes: 512, maxDelayMs: 16 };

export interface DeltaCoalescer<K extends string> {
  add(kind: K, text: string): void;
  /** Emits the pending batch now (if any). */
  flush(): void;
  /** Stops the timer; a pending batch is dropped (call flush first to keep it). */
  close(): void;
}

export function createDeltaCoalescer<K extends string>(
  emit: (kind: K, text: string) => void,
  clock: Clock,
  options: CoalesceOptions = {},
): DeltaCoalescer<K> {
  const maxBytes = options.maxBytes ?? DEFAULT_COALESCE.maxBytes;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_COALESCE.maxDelayMs;
  let pendingKind: K | null = null;
  let pending: string[] = [];
  let pendingLength = 0;
  /** While the window is open, deltas are batched; it closes after a tick with nothing to send. */
  let timer: TimerHandle | null = null;
  let closed = false;

  function flush(): void {
    if (pendingKind === null) return;
    const kind = pendingKind;
    const text = pending.length === 1 ? pending[0]! : pending.join("");
    pendingKind = null;
    pending = [];
    pendingLength = 0;
    emit(kind, text);
  }

  function tick(): void {
    timer = null;
    if (closed || pendingKind === null) return; // a quiet tick closes the window
    flush();
    timer = clock.setTimeout(tick, maxDelayMs);
  }

  return {
    add(kind, text) {
      if (closed || text === "") return;
      if (pendingKind !== null && pendingKind !== kind) flush();
      if (timer === null) {
        emit(kind, text);
        timer = clock.setTimeout(tick, maxDelayMs);
        return;
      }
      pendingKind = kind;
      pending.push(text);
      pendingLength += text.length;
      if (pendingLength >= maxBytes) flush();
    },
    flush,
    close() {
      closed = true;
      timer?.cancel();
      timer = null;
      pendingKind = null;
      pending = [];
    },
  };
}

/**
 * A writer's delta path: the coalescer when `coalesce` asks for one, else each non-empty
 * delta emitted at once (flush and close then have nothing to do).
 */
export function createDeltaBatch<K extends string>(
  emit: (kind: K, text: string) => void,
  options: { coalesce?: CoalesceOptions | false | undefined; clock?: Clock | undefined },
): DeltaCoalescer<K> {
  if (options.coalesce) return createDeltaCoalescer(emit, options.clock ?? systemClock, options.coalesce);
  return {
    add(kind, text) {
      if (text !== "") emit(kind, text);
    },
    flush() {},
    close() {},
  };
}
