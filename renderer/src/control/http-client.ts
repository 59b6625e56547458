// The ControlApi over the management HTTP API of `cursor-relay serve`: the actions as
// one request each (http-actions.ts) and snapshots from the event stream
// (snapshot-stream.ts), both behind the relay's management key.
import { EVENTS_PATH, MANAGEMENT_PREFIX } from "../../../app/base/control-contract.ts";
import type { ControlClient } from "./client.ts";
import { createHttpActions, type FetchLike } from "./http-actions.ts";
import { createSnapshotStream } from "./snapshot-stream.ts";

export type { FetchLike } from "./http-actions.ts";

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
  const base = options.baseUrl.replace(/\/+$/, "");
  const authHeaders = (): Record<string, string> => (options.key ? { authorization: `Bearer ${options.key}` } : {});
  const stream = createSnapshotStream({
    url: base + MANAGEMENT_PREFIX + EVENTS_PATH,
    authHeaders,
    fetch: doFetch,
    timers: {
      now: options.now ?? (() => Date.now()),
      setTimer: options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms)),
      clearTimer: options.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>)),
    },
    backoff: options.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
    staleAfterMs: options.staleAfterMs ?? 45_000,
  });
  return { transport: "http", ...createHttpActions({ base, authHeaders, fetch: doFetch }), ...stream };
}
