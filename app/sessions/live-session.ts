// The open upstream streams: one per conversation, plus detached ones serving a request
// beside a busy conversation. A stream streams into a client response, parks on tool
// calls the client must run, resumes with their results on the same upstream stream,
// and is closed (disposed) when its turn ends, is superseded, or its account goes away.
import { notifyAll } from "../base/listeners.ts";
import type { Clock, TimerHandle } from "../base/clock.ts";
import type { SessionState, TokenCounts } from "../base/control-api.ts";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import type { CursorEvent, CursorRun, ToolCallRequest } from "../cursor/types.ts";
import { createEventPuller, type EventPuller } from "./event-puller.ts";
import type { CheckpointBlobs } from "./checkpoint-blobs.ts";
import type { SessionList } from "./session-list.ts";
import type { ToolResultInput } from "./turn-input.ts";

export interface LiveSession {
  /** The key in the session map; equals the Cursor conversation id unless detached. */
  key: string;
  conversationId: string;
  /** A detached session serves a concurrent request of a busy conversation: it owns no checkpoint. */
  detached: boolean;
  accountId: string;
  model: string;
  /** The Cursor model id the client's model was mapped to. */
  cursorModel: string;
  run: CursorRun;
  /** The run's blob map (the KV store Cursor reads and writes); a checkpoint of this session keeps it. */
  blobs: CheckpointBlobs;
  events: EventPuller<CursorEvent>;
  /** Client-visible tool id → the call waiting for its result. */
  pendingCalls: Map<string, ToolCallRequest>;
  state: SessionState;
  startedAt: number;
  tokens: TokenCounts;
  parkTimer: TimerHandle | null;
  /** The client saw something from this session (it is listed once finished). */
  served: boolean;
  /** Why the session was closed under a running turn (account gone, relay stopping); the turn fails with it. */
  closedWith: RelayError | null;
}

/** What opening a session takes; the rest of a LiveSession starts empty. */
export type NewSession = Pick<LiveSession, "key" | "conversationId" | "detached" | "accountId" | "model" | "cursorModel" | "run" | "blobs">;

/** A turn whose account was removed, disabled or logged out while it ran: retried on another account. */
export const accountClosed = () =>
  new RelayError({
    kind: "upstream_unavailable",
    status: 503,
    message: "the Cursor account serving this turn was removed, disabled or needs a new login; send the request again",
  });
export const relayStopping = () => new RelayError({ kind: "upstream_unavailable", status: 503, message: "the relay is shutting down" });
const NO_RESULT_TEXT = "The client returned no result for this tool call.";

export interface LiveSessions {
  get(key: string): LiveSession | undefined;
  /** A snapshot of the open sessions (safe to dispose while iterating). */
  all(): LiveSession[];
  /** Opens a streaming session on a new Run; it replaces whatever held its key. */
  open(fields: NewSession): LiveSession;
  /** True while `s` is the session its key maps to (not replaced, not closed). */
  owns(s: LiveSession): boolean;
  /** Closes the session; with `reason`, a turn still running on it fails with that error. */
  dispose(s: LiveSession, reason?: RelayError): void;
  /** The response ended on tool calls: the stream waits for their results (closed after parkTimeoutMs). */
  park(s: LiveSession): void;
  /** Sends the client's tool results on the parked stream. False when they do not belong to it. */
  resume(s: LiveSession, results: ToolResultInput[]): boolean;
  /** Something the dashboard shows changed. */
  changed(): void;
  onChange(listener: () => void): () => void;
  readonly size: number;
}

export function createLiveSessions(deps: { clock: Clock; logger: Logger; list: SessionList; parkTimeoutMs: number }): LiveSessions {
  const { clock, logger, list } = deps;
  const sessions = new Map<string, LiveSession>();
  const listeners = new Set<() => void>();

  const changed = () => notifyAll(listeners, undefined, (e) => logger.warn("session listener failed", { error: toRelayError(e).message }));

  function dispose(s: LiveSession, reason?: RelayError): void {
    if (reason && s.state === "streaming") s.closedWith ??= reason;
    s.parkTimer?.cancel();
    s.parkTimer = null;
    s.run.close();
    s.pendingCalls.clear();
    s.state = "idle";
    if (sessions.get(s.key) === s) sessions.delete(s.key);
    // A Run that failed before it served anything (e.g. failover) is not a session to list.
    if (s.served) list.finished(s);
    changed();
  }

  return {
    get: (key) => sessions.get(key),
    all: () => [...sessions.values()],
    open(fields) {
      const s: LiveSession = {
        ...fields,
        events: createEventPuller(fields.run.events, clock),
        pendingCalls: new Map(),
        state: "streaming",
        startedAt: clock.now(),
        tokens: { input: 0, output: 0, cacheRead: 0 },
        parkTimer: null,
        served: false,
        closedWith: null,
      };
      sessions.set(s.key, s);
      list.reopened(s.key);
      return s;
    },
    owns: (s) => sessions.get(s.key) === s,
    dispose,
    park(s) {
      s.state = "waiting_tool_result";
      s.parkTimer?.cancel();
      s.parkTimer = clock.setTimeout(() => {
        logger.info("closing a stream parked on a tool call nobody answered", { conversation: s.conversationId });
        dispose(s);
      }, deps.parkTimeoutMs);
      changed();
    },
    resume(s, results) {
      if (!sendResults(s, results)) return false;
      changed();
      return true;
    },
    changed,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return sessions.size;
    },
  };
}

/** Hands the client's results to the parked stream's calls; false when they are not its calls or the stream closed. */
function sendResults(s: LiveSession, results: ToolResultInput[]): boolean {
  if (s.state !== "waiting_tool_result" || s.run.closed || results.length === 0) return false;
  if (!results.some((r) => s.pendingCalls.has(r.toolCallId))) return false;
  s.parkTimer?.cancel();
  s.parkTimer = null;
  try {
    for (const r of results) {
      const call = s.pendingCalls.get(r.toolCallId);
      if (!call) continue;
      s.pendingCalls.delete(r.toolCallId);
      s.run.sendToolResult(call, { text: r.text, isError: r.isError });
    }
    // A call the client did not answer must still be answered, or the upstream waits forever.
    for (const call of s.pendingCalls.values()) s.run.sendToolResult(call, { text: NO_RESULT_TEXT, isError: true });
  } catch {
    return false; // the stream closed under us: rebuild the turn on a fresh Run
  }
  s.pendingCalls.clear();
  s.state = "streaming";
  return true;
}
