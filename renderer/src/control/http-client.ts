// The ControlApi over the management HTTP API of `cursor-relay serve`: one request per
// action (routes from the shared contract), and snapshots from the SSE stream read
// with fetch (EventSource cannot send the Authorization header), reconnecting with
// exponential backoff while anyone is subscribed.
import type { ControlApi, Snapshot } from "../../../app/base/control-api.ts";
import {
  EVENTS_PATH,
  MANAGEMENT_PREFIX,
  SNAPSHOT_EVENT,
  bindControlActions,
  httpCallFor,
  inputFromArgs,
  type ControlActionName,
} from "../../../app/base/control-contract.ts";
import { ControlError, errorMessage, type ConnectionState, type ControlClient } from "./client.ts";
import { createSseParser } from "./sse-parser.ts";

/** The part of fetch() we use (typed here so the file also checks against Node's types). */
export type FetchLike = (
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | null; signal?: AbortSignal },
) => Promise<Response>;

export interface HttpClientOptions {
  /** The relay's origin, e.g. http://127.0.0.1:8765. */
  baseUrl: string;
  /** The management key (null: every call will be refused with 401). */
  key: string | null;
  fetch?: FetchLike;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /** Reconnect backoff: first wait, doubling up to the cap. */
  backoff?: { initialMs: number; maxMs: number };
  /** No byte (snapshot or heartbeat) for this long means the stream is dead. */
  staleAfterMs?: number;
}

export function createHttpClient(options: HttpClientOptions): ControlClient {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  const staleAfterMs = options.staleAfterMs ?? 45_000;
  const base = options.baseUrl.replace(/\/+$/, "");
  const authHeaders = (): Record<string, string> => (options.key ? { authorization: `Bearer ${options.key}` } : {});

  // ---- actions ----

  async function request(name: ControlActionName, input: object): Promise<unknown> {
    const call = httpCallFor(name, input);
    const hasBody = call.body !== undefined && Object.keys(call.body).length > 0;
    let res: Response;
    try {
      res = await doFetch(base + call.path, {
        method: call.method,
        headers: { ...authHeaders(), ...(hasBody ? { "content-type": "application/json" } : {}) },
        body: hasBody ? JSON.stringify(call.body) : null,
      });
    } catch (e) {
      throw new ControlError("network", `cannot reach the relay (${errorMessage(e)})`);
    }
    if (res.status === 204) return undefined;
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below
    }
    if (res.ok) return body;
    const err = (body as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
    throw new ControlError(
      typeof err?.type === "string" ? err.type : "http",
      typeof err?.message === "string" ? err.message : `the relay answered ${res.status}`,
      res.status,
    );
  }

  const act =
    <K extends ControlActionName>(name: K) =>
    (...args: Parameters<ControlApi[K]>) =>
      request(name, inputFromArgs(name, args)) as ReturnType<ControlApi[K]>;

  // ---- snapshot stream ----

  const listeners = new Set<(s: Snapshot) => void>();
  const connectionListeners = new Set<(c: ConnectionState) => void>();
  let connection: ConnectionState = { status: "connecting" };
  let last: Snapshot | null = null;
  let running = false;
  let abort: AbortController | null = null;
  let wake: (() => void) | null = null;
  /** Failed connection attempts since the last good one (drives the backoff). */
  let attempt = 0;

  const setConnection = (c: ConnectionState) => {
    connection = c;
    for (const l of [...connectionListeners]) l(c);
  };
  const publish = (s: Snapshot) => {
    if (last && s.version <= last.version && s.generatedAt <= last.generatedAt) return;
    last = s;
    for (const l of [...listeners]) l(s);
  };
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimer(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimer(timer);
        wake = null;
        resolve();
      };
    });

  /** One connection: resolves when it ends (why, for the status line), or throws "unauthorized". */
  async function streamOnce(): Promise<string> {
    abort = new AbortController();
    const signal = abort.signal;
    let stale: unknown = null;
    const armWatchdog = () => {
      if (stale !== null) clearTimer(stale);
      stale = setTimer(() => abort?.abort(), staleAfterMs);
    };
    try {
      armWatchdog();
      const res = await doFetch(base + MANAGEMENT_PREFIX + EVENTS_PATH, {
        headers: { ...authHeaders(), accept: "text/event-stream" },
        signal,
      });
      if (res.status === 401) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new ControlError("authentication", body?.error?.message ?? "the management key was refused", 401);
      }
      if (!res.ok || !res.body) return `the relay answered ${res.status}`;
      setConnection({ status: "connected" });
      attempt = 0;
      const parser = createSseParser((ev) => {
        if (ev.event !== SNAPSHOT_EVENT) return;
        try {
          publish(JSON.parse(ev.data) as Snapshot);
        } catch {
          // a malformed event is skipped; the next one replaces it anyway
        }
      });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return "the relay closed the connection";
        armWatchdog();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch (e) {
      if (e instanceof ControlError) throw e;
      return signal.aborted && running ? "no data from the relay for a while" : `cannot reach the relay (${errorMessage(e)})`;
    } finally {
      if (stale !== null) clearTimer(stale);
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      if (connection.status !== "connected") setConnection({ status: "connecting" });
      let reason: string;
      try {
        reason = await streamOnce();
      } catch (e) {
        if (!running) return;
        // A wrong key does not heal by retrying: wait for retryNow() (e.g. a new link).
        setConnection({ status: "unauthorized", reason: errorMessage(e) });
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (!running) return;
      attempt += 1;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
      setConnection({ status: "retrying", retryAt: now() + delay, attempt, reason });
      await wait(delay);
    }
  }

  const start = () => {
    if (running) return;
    running = true;
    void loop();
  };
  const stop = () => {
    running = false;
    abort?.abort();
    wake?.();
  };

  return {
    transport: "http",
    ...bindControlActions(act),
    subscribe(listener) {
      listeners.add(listener);
      if (last) listener(last);
      start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    connection: () => connection,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    retryNow() {
      attempt = 0;
      wake?.();
    },
  };
}
