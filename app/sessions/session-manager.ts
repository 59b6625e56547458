// Live sessions: one per conversation. A turn either resumes a stream parked on a tool
// call (the client's tool results go back on the same upstream stream, protocol §5.3)
// or starts a new Run on an account from the pool, replaying the conversation's
// checkpoint when it belongs to that account and flattening the history otherwise
// (§6.2, §6.4). Failures before the client saw content move the turn to the next
// account, unseen by the client; after that the response ends with an error event and
// the account is cooled down (§3.3).
import { randomUUID } from "node:crypto";
import type { AccountPool } from "../core/account-pool.ts";
import type { Clock, TimerHandle } from "../core/clock.ts";
import type { LiveSessionView, SessionState, TokenCounts } from "../core/control-api.ts";
import { RelayError, toRelayError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { CursorClient, CursorEvent, CursorRun, ToolCallRequest } from "../cursor/types.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";
import { createEventPuller, TIMEOUT, type EventPuller } from "./event-puller.ts";
import { createSilencePinger, type SilencePinger } from "./silence-pinger.ts";
import { refusedToolCallText } from "./tool-choice.ts";
import { toClientToolId } from "./tool-ids.ts";
import type { ToolResultInput, TurnInput } from "./turn-input.ts";
import type { StopReason, TurnSink } from "./turn-sink.ts";

export interface SessionManagerOptions {
  cursor: CursorClient;
  pool: AccountPool;
  checkpoints: CheckpointStore;
  clock: Clock;
  logger: Logger;
  /** How long to wait for further parallel tool calls before handing the calls to the client. */
  toolGatherMs?: number;
  /** How long a stream stays parked on a tool call nobody answers (counted from the hand-out). */
  parkTimeoutMs?: number;
  /** Silence after which the client gets a keep-alive ping. */
  pingIntervalMs?: number;
  /** How long a finished session stays listed. */
  idleListMs?: number;
  /** Upper bound on Runs started for one turn (account switches + 401 retries). */
  maxAttempts?: number;
}

interface LiveSession {
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

interface IdleEntry {
  view: LiveSessionView;
  accountId: string;
  until: number;
}


/** A turn whose account was removed, disabled or logged out while it ran: retried on another account. */
const accountClosed = () =>
  new RelayError({
    kind: "upstream_unavailable",
    status: 503,
    message: "the Cursor account serving this turn was removed, disabled or needs a new login; send the request again",
  });
const relayStopping = () => new RelayError({ kind: "upstream_unavailable", status: 503, message: "the relay is shutting down" });
const NO_RESULT_TEXT = "The client returned no result for this tool call.";

export interface SessionManager {
  /**
   * Runs one client turn into the sink. Resolves when the client response is complete
   * (ended, parked on tool calls, or failed after content). Rejects with a RelayError
   * when the turn failed before the client saw any content (the caller renders it).
   */
  runTurn(input: TurnInput, sink: TurnSink, signal?: AbortSignal): Promise<void>;
  /** Live and recently finished sessions per account, for the control API. */
  views(): Map<string, LiveSessionView[]>;
  onChange(listener: () => void): () => void;
  /** Closes every session that runs on this account (removed, disabled). */
  closeAccount(accountId: string): void;
  /** Open upstream streams (streaming or parked). */
  readonly liveCount: number;
  /** Finished sessions still kept for listing (bounded by idleListMs), for diagnostics. */
  readonly idleListed: number;
  close(): void;
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { cursor, pool, checkpoints, clock, logger } = options;
  const toolGatherMs = options.toolGatherMs ?? 150;
  const parkTimeoutMs = options.parkTimeoutMs ?? 10 * 60_000;
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const idleListMs = options.idleListMs ?? 5 * 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const sessions = new Map<string, LiveSession>();
  const idle = new Map<string, IdleEntry>();
  const listeners = new Set<() => void>();
  let stopping = false;

  const changed = () => {
    for (const l of listeners) {
      try {
        l();
      } catch (e) {
        logger.warn("session listener failed", { error: toRelayError(e).message });
      }
    }
  };

  const view = (s: LiveSession): LiveSessionView => ({
    conversationId: s.conversationId,
    model: s.model,
    cursorModel: s.cursorModel,
    state: s.state,
    tokens: { ...s.tokens },
    startedAt: s.startedAt,
  });

  /** Closes the session; with `reason`, a turn still running on it fails with that error. */
  function dispose(s: LiveSession, reason?: RelayError): void {
    if (reason && s.state === "streaming") s.closedWith ??= reason;
    s.parkTimer?.cancel();
    s.parkTimer = null;
    s.run.close();
    s.pendingCalls.clear();
    s.state = "idle";
    if (sessions.get(s.key) === s) sessions.delete(s.key);
    // A Run that failed before it served anything (e.g. failover) is not a session to list.
    if (s.served) {
      // Re-inserted so the map stays in expiry order, and pruned here too: views() may never
      // be called (a headless relay with no dashboard open), and this must not grow forever.
      idle.delete(s.key);
      idle.set(s.key, { view: view(s), accountId: s.accountId, until: clock.now() + idleListMs });
      pruneIdle();
    }
    changed();
  }

  /** Drops finished sessions listed for longer than idleListMs (the oldest come first). */
  function pruneIdle(): void {
    const now = clock.now();
    for (const [key, e] of idle) {
      if (e.until > now) break;
      idle.delete(key);
    }
  }

  function park(s: LiveSession): void {
    s.state = "waiting_tool_result";
    s.parkTimer?.cancel();
    s.parkTimer = clock.setTimeout(() => {
      logger.info("closing a stream parked on a tool call nobody answered", { conversation: s.conversationId });
      dispose(s);
    }, parkTimeoutMs);
    changed();
  }

  function finishTurn(s: LiveSession, sink: TurnSink, reason: StopReason): void {
    pool.succeeded(s.accountId);
    sink.end(reason);
    dispose(s);
  }

  /** Streams events into the sink until the turn ends, parks on tool calls, or fails (throws). */
  async function pump(s: LiveSession, input: TurnInput, sink: TurnSink): Promise<void> {
    const pinger = createSilencePinger(clock, pingIntervalMs, () => sink.ping());
    try {
      await pumpEvents(s, input, sink, pinger);
    } finally {
      pinger.stop();
    }
  }

  async function pumpEvents(s: LiveSession, input: TurnInput, sink: TurnSink, pinger: SilencePinger): Promise<void> {
    let handedOut = 0;
    let output = 0;
    let counted = sink.contentStarted;
    // The request counts for the account that first shows the client something.
    const countRequest = () => {
      if (counted) return;
      counted = true;
      s.served = true;
      pool.recordRequest(s.accountId);
      pool.recordUsage(s.accountId, { input: input.inputTokens });
      s.tokens.input += input.inputTokens;
    };
    for (;;) {
      // A client that is not reading gets nothing more until it has: the run then stops
      // reading Cursor's stream, and the output tokens counted are those sent to the client.
      const room = sink.whenWritable?.();
      if (room) {
        await room;
        pinger.seen();
      }
      // After a tool call, wait only toolGatherMs for more calls (no pings then); else as
      // long as the upstream takes.
      const r = handedOut > 0 ? await s.events.nextWithin(toolGatherMs) : await s.events.next();
      pinger.seen();
      if (r === TIMEOUT) {
        park(s);
        sink.end("tool_use");
        return;
      }
      if (r.done) {
        // Closed by us: the client went away (nothing to render), or the account or the
        // relay went away under the turn (it fails, so the client gets an error, not silence).
        if (s.run.closed && s.run.error === undefined && s.state === "idle") {
          if (s.closedWith) throw s.closedWith;
          return;
        }
        finishTurn(s, sink, handedOut > 0 ? "tool_use" : "end_turn");
        return;
      }
      const ev = r.value;
      switch (ev.type) {
        case "checkpoint":
          // Only the stream that owns the conversation writes its checkpoint.
          if (!s.detached && sessions.get(s.key) === s) {
            checkpoints.put(s.conversationId, { bytes: ev.bytes, blobs: ev.blobs, accountId: s.accountId });
          }
          break;
        case "turn_ended":
          finishTurn(s, sink, handedOut > 0 ? "tool_use" : "end_turn");
          return;
        case "tokens":
          s.tokens.output += ev.tokens;
          output += ev.tokens;
          pool.recordUsage(s.accountId, { output: ev.tokens });
          sink.handle(ev);
          changed();
          if (input.maxTokens !== undefined && output >= input.maxTokens && handedOut === 0) {
            countRequest();
            pool.succeeded(s.accountId);
            sink.end("max_tokens");
            dispose(s);
            return;
          }
          break;
        case "tool_call": {
          if (input.allowedTools && !input.allowedTools.has(ev.call.name)) {
            // tool_choice rules it out: the model hears why on the stream, the client never sees it.
            logger.debug("refused a tool call the client's tool_choice does not allow", { tool: ev.call.name });
            try {
              s.run.sendToolResult(ev.call, { text: refusedToolCallText(ev.call.name), isError: true, rejected: true });
            } catch {
              // the stream is closing: its end is read next
            }
            break;
          }
          countRequest();
          const raw = ev.call.toolCallId === "" ? randomUUID() : ev.call.toolCallId;
          const call = { ...ev.call, toolCallId: raw };
          s.pendingCalls.set(toClientToolId(raw), call);
          handedOut++;
          pinger.pause(true);
          sink.handle({ type: "tool_call", call });
          if (input.parallelToolCalls === false) {
            // One call per response: a further call Cursor makes is handed out in the next one.
            park(s);
            sink.end("tool_use");
            return;
          }
          break;
        }
        case "thinking_done":
          sink.handle(ev);
          break;
        case "text":
        case "thinking":
          if (ev.text.length === 0) break;
          countRequest();
          sink.handle(ev);
          break;
      }
    }
  }

  /** Sends the client's tool results on the parked stream. False when they do not belong to it. */
  function resume(s: LiveSession, results: ToolResultInput[]): boolean {
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
    changed();
    return true;
  }

  async function runTurn(input: TurnInput, sink: TurnSink, signal?: AbortSignal): Promise<void> {
    let onAbort: (() => void) | undefined;
    const watch = (s: LiveSession) => {
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      // A client that goes away mid-stream frees the upstream stream at once.
      onAbort = () => {
        if (s.state === "streaming") dispose(s);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    };
    try {
      if (signal?.aborted) return;
      const answered = settleParked(input);
      if (answered && pool.canContinue(answered.accountId) && resume(answered, input.toolResults)) {
        watch(answered);
        try {
          await pump(answered, input, sink);
          return;
        } catch (e) {
          const err = toRelayError(e);
          dispose(answered);
          // A failure the request caused (too large, refused as invalid) is the client's: no account pays for it.
          if (err !== answered.closedWith && !err.isUpstream) throw err;
          if (err !== answered.closedWith) await pool.failed(answered.accountId, err, true);
          if (sink.contentStarted) {
            sink.fail(err);
            return;
          }
          logger.warn("a resumed stream failed before the continuation; rebuilding the turn", { status: err.status });
        }
      } else if (answered) {
        // A stream never resumes on an account that is no longer usable.
        dispose(answered);
      }
      const current = sessions.get(input.conversationId);
      if (current?.state === "streaming") {
        // The conversation is busy serving another request: serve this one beside it,
        // on its own Cursor conversation, without touching the busy one's state.
        await freshTurn(input, sink, watch, signal, true);
        return;
      }
      // A new turn supersedes what the conversation had open.
      if (current) dispose(current);
      await freshTurn(input, sink, watch, signal, false);
    } finally {
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * The conversation's streams parked on tool calls (its own and those serving requests
   * beside a busy one): the one whose calls this turn answers is returned; every other
   * one is closed at once — the client moved on without its results, so nobody will.
   */
  function settleParked(input: TurnInput): LiveSession | undefined {
    const prefix = `${input.conversationId}#`;
    let answered: LiveSession | undefined;
    for (const s of [...sessions.values()]) {
      if (s.state !== "waiting_tool_result" || (s.key !== input.conversationId && !s.key.startsWith(prefix))) continue;
      if (!answered && input.toolResults.some((r) => s.pendingCalls.has(r.toolCallId))) {
        answered = s;
        continue;
      }
      logger.info("closing a stream parked on tool calls the client moved on from", { conversation: s.conversationId });
      dispose(s);
    }
    return answered;
  }

  async function freshTurn(
    input: TurnInput,
    sink: TurnSink,
    watch: (s: LiveSession) => void,
    signal: AbortSignal | undefined,
    detached: boolean,
  ): Promise<void> {
    const tried = new Set<string>();
    const refreshed = new Set<string>();
    let lastError: RelayError | undefined;
    const conversationId = detached ? randomUUID() : input.conversationId;
    const key = detached ? `${input.conversationId}#${conversationId}` : input.conversationId;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (signal?.aborted) return;
      if (stopping) throw relayStopping();
      let lease;
      try {
        lease = await pool.acquire({ exclude: tried, prefer: detached ? undefined : checkpoints.ownerOf(conversationId), model: input.clientModel });
      } catch (e) {
        throw lastError ? await exhausted(lastError, toRelayError(e)) : e;
      }
      const { accountId, accessToken } = lease;
      const modelId = await input.cursorModelFor(accountId, accessToken);
      // The client may have gone while we waited for an account, a token or the model list.
      if (signal?.aborted) return;
      const answeringTools = input.toolResults.length > 0;
      // The checkpoint of another account is dropped by get(); with tool results to
      // deliver and no parked stream, the history is flattened instead (§10 gap 6).
      const checkpoint = detached || answeringTools ? undefined : checkpoints.get(conversationId, accountId);
      if (answeringTools && !detached) checkpoints.delete(conversationId);
      const replay = checkpoint !== undefined && input.newestUserText !== null;
      const userText = replay
        ? input.newestUserText!
        : input.hasHistory || input.newestUserText === null
          ? input.flatten()
          : input.newestUserText;
      const run = cursor.run({
        accessToken,
        conversationId,
        modelId,
        userText,
        systemPrompt: input.systemPrompt,
        ...(replay ? { checkpoint: checkpoint.bytes } : {}),
        blobs: replay ? new Map(checkpoint.blobs) : new Map(),
        tools: input.tools,
        images: input.images,
      });
      const s: LiveSession = {
        key,
        conversationId,
        detached,
        accountId,
        model: input.clientModel,
        cursorModel: modelId,
        run,
        events: createEventPuller(run.events, clock),
        pendingCalls: new Map(),
        state: "streaming",
        startedAt: clock.now(),
        tokens: { input: 0, output: 0, cacheRead: 0 },
        parkTimer: null,
        served: false,
        closedWith: null,
      };
      sessions.set(key, s);
      idle.delete(key);
      watch(s);
      changed();
      try {
        await pump(s, input, sink);
        return;
      } catch (e) {
        const err = toRelayError(e);
        dispose(s);
        if (signal?.aborted) return;
        if (err === s.closedWith) {
          // Not the account's fault, nothing to report: before content another account takes the turn.
          if (sink.contentStarted) {
            sink.fail(err);
            return;
          }
          lastError = err;
          tried.add(accountId);
          continue;
        }
        // Not about the account (the request's own error, e.g. too large for Cursor): the
        // client gets it as it is, no account cools down and no other account is tried.
        if (!err.isUpstream) throw err;
        logger.warn("upstream failure", { account: accountId, status: err.status, code: err.upstreamCode, message: err.message });
        const decision = await pool.failed(accountId, err, refreshed.has(accountId));
        if (sink.contentStarted) {
          sink.fail(err);
          return;
        }
        lastError = err;
        if (decision === "retry_same" && !refreshed.has(accountId)) refreshed.add(accountId);
        else tried.add(accountId);
      }
    }
    throw lastError ?? new RelayError({ kind: "upstream_error", status: 502, message: "no account could serve this turn" });
  }

  /**
   * Every account this turn could use has failed. When none can take a request now, the
   * client gets the pool's answer, which names each account's reason (Cursor's words
   * included) and the soonest recovery; otherwise the last upstream error.
   */
  async function exhausted(last: RelayError, acquireError: RelayError): Promise<RelayError> {
    if (acquireError.kind !== "no_accounts") return acquireError;
    try {
      const why = pool.unavailable(); if (why) throw why;
    } catch (e) {
      const now = toRelayError(e);
      if (now.kind === "rate_limited" || now.kind === "no_accounts") return now;
    }
    return last;
  }

  return {
    runTurn,
    views() {
      const now = clock.now();
      const out = new Map<string, LiveSessionView[]>();
      const add = (accountId: string, v: LiveSessionView) => out.set(accountId, [...(out.get(accountId) ?? []), v]);
      for (const [key, e] of idle) if (e.until <= now || sessions.has(key)) idle.delete(key);
      for (const s of sessions.values()) add(s.accountId, view(s));
      for (const e of idle.values()) add(e.accountId, e.view);
      return out;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    closeAccount(accountId) {
      for (const s of [...sessions.values()]) if (s.accountId === accountId) dispose(s, accountClosed());
      checkpoints.deleteAccount(accountId);
    },
    get liveCount() {
      return sessions.size;
    },
    get idleListed() {
      return idle.size;
    },
    close() {
      stopping = true;
      for (const s of [...sessions.values()]) dispose(s, relayStopping());
      idle.clear();
    },
  };
}
