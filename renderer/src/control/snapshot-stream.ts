// The snapshot push over the management API's event stream, read with fetch
// (EventSource cannot send the Authorization header), reconnecting with exponential
// backoff while anyone is subscribed. A refused key does not heal by retrying, so it
// waits for retryNow() (e.g. a new link) instead.
import type { Snapshot } from "../../../app/base/control-api.ts";
import { SNAPSHOT_EVENT } from "../../../app/base/control-contract.ts";
import { ControlError, errorMessage, type ConnectionState } from "./client.ts";
import type { FetchLike } from "./http-actions.ts";
import { createSseParser } from "./sse-parser.ts";

export interface StreamTimers {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export interface SnapshotStreamOptions {
  /** The full URL of the event stream. */
  url: string;
  authHeaders(): Record<string, string>;
  fetch: FetchLike;
  timers: StreamTimers;
  /** Reconnect backoff: first wait, doubling up to the cap. */
  backoff: { initialMs: number; maxMs: number };
  /** No byte (snapshot or heartbeat) for this long means the stream is dead. */
  staleAfterMs: number;
}

export interface SnapshotStream {
  subscribe(listener: (s: Snapshot) => void): () => void;
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  retryNow(): void;
}

/** What one connection reports to the stream around it. */
interface ConnectionHooks {
  connected(): void;
  snapshot(s: Snapshot): void;
  isRunning(): boolean;
}

/** The subscribers and the newest snapshot (a new subscriber gets it at once; older ones are dropped). */
function createSnapshotFanOut() {
  const listeners = new Set<(s: Snapshot) => void>();
  let last: Snapshot | null = null;
  return {
    publish(s: Snapshot): void {
      if (last && s.version <= last.version && s.generatedAt <= last.generatedAt) return;
      last = s;
      for (const l of [...listeners]) l(s);
    },
    /** Adds a listener; the returned function removes it and says how many remain. */
    add(listener: (s: Snapshot) => void): () => number {
      listeners.add(listener);
      if (last) listener(last);
      return () => {
        listeners.delete(listener);
        return listeners.size;
      };
    },
  };
}

function createConnectionStatus() {
  const listeners = new Set<(c: ConnectionState) => void>();
  let current: ConnectionState = { status: "connecting" };
  return {
    get: (): ConnectionState => current,
    set(c: ConnectionState): void {
      current = c;
      for (const l of [...listeners]) l(c);
    },
    on(listener: (c: ConnectionState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Waits that wake() cuts short: a backoff delay, or an open-ended wait for retryNow(). */
function createWakeableWait(timers: StreamTimers) {
  let wake: (() => void) | null = null;
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = timers.setTimer(() => {
          wake = null;
          resolve();
        }, ms);
        wake = () => {
          timers.clearTimer(timer);
          wake = null;
          resolve();
        };
      }),
    untilWoken: () => new Promise<void>((resolve) => (wake = resolve)),
    wake: () => wake?.(),
  };
}

/** Reads the stream's bytes until it ends, publishing each snapshot event. */
async function readSnapshots(body: ReadableStream<Uint8Array>, onSnapshot: (s: Snapshot) => void, onBytes: () => void): Promise<string> {
  const parser = createSseParser((ev) => {
    if (ev.event !== SNAPSHOT_EVENT) return;
    try {
      onSnapshot(JSON.parse(ev.data) as Snapshot);
    } catch {
      // a malformed event is skipped; the next one replaces it anyway
    }
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return "the relay closed the connection";
    onBytes();
    parser.push(decoder.decode(value, { stream: true }));
  }
}

/** One connection: resolves when it ends (why, for the status line), or throws when the key is refused. */
async function streamOnce(o: SnapshotStreamOptions, abort: AbortController, hooks: ConnectionHooks): Promise<string> {
  let stale: unknown = null;
  const armWatchdog = () => {
    if (stale !== null) o.timers.clearTimer(stale);
    stale = o.timers.setTimer(() => abort.abort(), o.staleAfterMs);
  };
  try {
    armWatchdog();
    const res = await o.fetch(o.url, { headers: { ...o.authHeaders(), accept: "text/event-stream" }, signal: abort.signal });
    if (res.status === 401) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new ControlError("authentication", body?.error?.message ?? "the management key was refused", 401);
    }
    if (!res.ok || !res.body) return `the relay answered ${res.status}`;
    hooks.connected();
    return await readSnapshots(res.body, hooks.snapshot, armWatchdog);
  } catch (e) {
    if (e instanceof ControlError) throw e;
    return abort.signal.aborted && hooks.isRunning() ? "no data from the relay for a while" : `cannot reach the relay (${errorMessage(e)})`;
  } finally {
    if (stale !== null) o.timers.clearTimer(stale);
  }
}

export function createSnapshotStream(o: SnapshotStreamOptions): SnapshotStream {
  const snapshots = createSnapshotFanOut();
  const status = createConnectionStatus();
  const waits = createWakeableWait(o.timers);
  let running = false;
  let abort: AbortController | null = null;
  /** Failed connection attempts since the last good one (drives the backoff). */
  let attempt = 0;
  const hooks: ConnectionHooks = {
    connected() {
      status.set({ status: "connected" });
      attempt = 0;
    },
    snapshot: (s) => snapshots.publish(s),
    isRunning: () => running,
  };

  async function loop(): Promise<void> {
    while (running) {
      if (status.get().status !== "connected") status.set({ status: "connecting" });
      let reason: string;
      try {
        abort = new AbortController();
        reason = await streamOnce(o, abort, hooks);
      } catch (e) {
        if (!running) return;
        status.set({ status: "unauthorized", reason: errorMessage(e) });
        await waits.untilWoken();
        continue;
      }
      if (!running) return;
      attempt += 1;
      const delay = Math.min(o.backoff.maxMs, o.backoff.initialMs * 2 ** (attempt - 1));
      status.set({ status: "retrying", retryAt: o.timers.now() + delay, attempt, reason });
      await waits.sleep(delay);
    }
  }

  return {
    subscribe(listener) {
      const remove = snapshots.add(listener);
      if (!running) {
        running = true;
        void loop();
      }
      return () => {
        if (remove() > 0) return;
        running = false;
        abort?.abort();
        waits.wake();
      };
    },
    connection: status.get,
    onConnection: status.on,
    retryNow() {
      attempt = 0;
      waits.wake();
    },
  };
}
