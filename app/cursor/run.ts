// One Run stream: writes the first frame, heartbeats and every reply into a request queue
// that stays open for the whole turn; reads the server frames in the background (also
// while nobody pulls events, e.g. when parked on a tool call), answers every request,
// and turns updates into CursorEvents. After turn_ended it closes the stream itself.
import { createContextValues, type Client } from "@connectrpc/connect";
import type { McpToolDefinition } from "../../proto/gen/agent/v1/agent_pb.ts";
import type { AgentClientFrame, AgentService, AgentServerFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import { AsyncQueue } from "./async-queue.ts";
import { classifyCursorError, noProgressError, stallError, undecodableFrameError } from "./error-classification.ts";
import { answerExec, answerInteractionQuery, answerKv, toolResultFrame } from "./exec-replies.ts";
import { buildRunRequestFrame, heartbeatFrame, toMcpToolDefinitions } from "./request-builder.ts";
import { oversizedRunRequest } from "./request-limit.ts";
import { decodeServerFrame, updateToEvents } from "./server-frame.ts";
import { ACCESS_TOKEN, DEFAULT_DRAIN_MS } from "./transport.ts";
import type { CursorEvent, CursorRun, RunOptions, ToolCallRequest, ToolResult } from "./types.ts";
import { noteDrift } from "./drift.ts";
import { noteUpstreamError } from "./upstream-errors.ts";

export interface RunDeps {
  client: Client<typeof AgentService>;
  clock: Clock;
  heartbeatMs: number;
  stallTimeoutMs: number;
  /**
   * Fail with 504 when nothing but heartbeats arrives for this long (heartbeats keep the
   * stall watchdog quiet forever). Suspended while a tool call waits for the client: the
   * server only heartbeats then, and the session's park timeout governs. Off when absent.
   */
  progressTimeoutMs?: number;
  /**
   * After turn_ended the server ends the stream itself; it gets this long (default DEFAULT_DRAIN_MS, 2 s)
   * before the run cancels it. Cancelling is an RST_STREAM, and servers count those on
   * the shared connection (HTTP/2 rapid-reset protection, CVE-2023-44487): one per turn
   * got the whole connection — every live stream — killed after ~1000 quick turns.
   */
  drainMs?: number;
  newUuid?: () => string;
  /** Largest first frame (plus the blobs it brings) sent; a bigger request fails with 413 (default MAX_RUN_REQUEST_BYTES). */
  maxRequestBytes?: number;
  /** Called for things worth a log line (never with secrets). */
  onDiagnostic?: (message: string) => void;
}

/** Exec ids the run is waiting for the client to answer (exposed for tests/diagnostics). */
export interface RunInternals {
  readonly pendingToolCalls: ReadonlyMap<number, ToolCallRequest>;
}

/**
 * Events read ahead of the session's consumer. Past the high mark the run stops reading
 * the stream (HTTP/2 flow control then holds Cursor back) until the consumer — a client
 * that reads slowly or not at all — has taken all but the low mark.
 */
const EVENTS_HIGH_WATER = 256;
const EVENTS_LOW_WATER = 64;

const blobBytes = (blobs: RunOptions["blobs"]): number => {
  let n = 0;
  for (const data of blobs.values()) n += data.byteLength;
  return n;
};

export class CursorRunStream implements CursorRun, RunInternals {
  readonly events: AsyncIterable<CursorEvent>;
  private readonly eventQueue = new AsyncQueue<CursorEvent>();
  private readonly requests = new AsyncQueue<AgentClientFrame>();
  private readonly abort = new AbortController();
  private readonly tools: McpToolDefinition[];
  private readonly pending = new Map<number, ToolCallRequest>();
  private readonly abortedExecs = new Set<number>();
  private readonly heartbeat: TimerHandle;
  private watchdog: TimerHandle | undefined;
  private lastFrameAt = 0;
  private progressWatchdog: TimerHandle | undefined;
  private lastProgressAt = 0;
  private drainTimer: TimerHandle | undefined;
  /** Reading is paused until the consumer catches up: silence then is ours, not Cursor's. */
  private backpressured = false;
  /** Resolves once Connect has taken the end of the request frames (it then half-closes the HTTP/2 stream). */
  private requestSideEnded!: Promise<void>;
  private failure: RelayError | undefined;
  private finished = false;
  private readonly onSignal = (): void => this.close();

  // Only what the stream needs after its first frame: a parked stream must not keep the
  // request (system prompt, tool schemas, transcript: often hundreds of KB) alive.
  private readonly accessToken: string;
  private readonly blobs: RunOptions["blobs"];
  private readonly signal: AbortSignal | undefined;

  constructor(
    private readonly deps: RunDeps,
    options: RunOptions,
  ) {
    this.accessToken = options.accessToken;
    this.blobs = options.blobs;
    this.signal = options.signal;
    this.events = this.eventQueue;
    this.tools = toMcpToolDefinitions(options.tools);
    const first = buildRunRequestFrame(options, { toolDefs: this.tools, ...(deps.newUuid ? { newUuid: deps.newUuid } : {}) });
    // A request Cursor would refuse is that request's error: it fails here, before a
    // stream opens, so no account is blamed for it.
    const refusal = oversizedRunRequest(first, options.checkpoint ? 0 : blobBytes(options.blobs), deps.maxRequestBytes);
    if (refusal) {
      this.heartbeat = { cancel() {} };
      this.finish(refusal);
      return;
    }
    this.requests.push(first);
    this.heartbeat = deps.clock.setInterval(() => this.requests.push(heartbeatFrame()), deps.heartbeatMs);
    this.armWatchdog();
    this.armProgressWatchdog();
    options.signal?.addEventListener("abort", this.onSignal, { once: true });
    void this.readLoop();
    if (options.signal?.aborted) this.close();
  }

  get error(): RelayError | undefined {
    return this.failure;
  }

  get closed(): boolean {
    return this.finished;
  }

  get pendingToolCalls(): ReadonlyMap<number, ToolCallRequest> {
    return this.pending;
  }

  sendToolResult(call: ToolCallRequest, result: ToolResult): void {
    if (this.finished) {
      throw (
        this.failure ??
        new RelayError({ kind: "upstream_error", status: 502, message: "The Cursor stream for this tool call is already closed" })
      );
    }
    // The server withdrew this exec (exec_server_control abort): nobody waits for it.
    if (this.abortedExecs.has(call.execId)) return;
    this.pending.delete(call.execId);
    this.requests.push(toolResultFrame(call, result));
    if (this.pending.size === 0) this.armProgressWatchdog();
  }

  close(): void {
    this.finish(undefined);
    this.eventQueue.clear();
  }

  /**
   * The stall watchdog is one timer that re-arms itself for the rest of the window when a
   * frame came meanwhile: cheaper than a new timer per frame (a 10 MB reply has ~300k).
   */
  private armWatchdog(): void {
    this.lastFrameAt = this.deps.clock.now();
    this.watchdog = this.deps.clock.setTimeout(this.onWatchdog, this.deps.stallTimeoutMs);
  }

  private readonly onWatchdog = (): void => {
    if (this.finished) return;
    const ms = this.deps.stallTimeoutMs;
    const quiet = this.deps.clock.now() - this.lastFrameAt;
    if (quiet >= ms && !this.backpressured) this.finish(stallError(ms));
    else this.watchdog = this.deps.clock.setTimeout(this.onWatchdog, this.backpressured ? ms : ms - quiet);
  };

  /** (Re)starts the heartbeats-only watchdog; none while a tool call waits for the client. */
  private armProgressWatchdog(): void {
    this.lastProgressAt = this.deps.clock.now();
    const ms = this.deps.progressTimeoutMs;
    if (ms === undefined || this.finished) return;
    if (this.pending.size > 0) {
      this.progressWatchdog?.cancel();
      this.progressWatchdog = undefined;
      return;
    }
    // Like the stall watchdog: one timer that re-arms itself for the rest of the window,
    // not a new timer per progress frame.
    this.progressWatchdog ??= this.deps.clock.setTimeout(this.onProgressWatchdog, ms);
  }

  private readonly onProgressWatchdog = (): void => {
    this.progressWatchdog = undefined;
    const ms = this.deps.progressTimeoutMs;
    if (ms === undefined || this.finished || this.pending.size > 0) return;
    const quiet = this.deps.clock.now() - this.lastProgressAt;
    if (quiet >= ms && !this.backpressured) this.finish(noProgressError(ms));
    else this.progressWatchdog = this.deps.clock.setTimeout(this.onProgressWatchdog, this.backpressured ? ms : ms - quiet);
  };

  private async readLoop(): Promise<void> {
    const contextValues = createContextValues().set(ACCESS_TOKEN, this.accessToken);
    try {
      const frames = this.deps.client.run(this.requestFrames(), { signal: this.abort.signal, contextValues });
      for await (const frame of frames) {
        // Finished: what still comes (the end-stream after turn_ended) is read and dropped.
        if (this.finished) continue;
        this.lastFrameAt = this.deps.clock.now();
        const { turnEnded, progress } = this.handle(frame);
        if (turnEnded) {
          this.finish(undefined, true);
          // Read the server's end only once our side has ended: Connect stops writing
          // when the response completes, and a request side left open would then take
          // an RST_STREAM to close.
          await this.requestSideEnded;
          continue;
        }
        if (progress) this.armProgressWatchdog();
        if (this.eventQueue.size >= EVENTS_HIGH_WATER) await this.waitForConsumer();
      }
      if (!this.finished) noteDrift("end_of_stream", "ended_without_turn_ended");
      this.drainTimer?.cancel();
      // A clean end-stream without turn_ended: Cursor's own client takes it as the end of
      // the turn, so the relay does too (an answer already sent is complete, not failed).
      if (!this.finished) this.deps.onDiagnostic?.("cursor: the stream ended cleanly without turn_ended; the turn is finished");
      this.finish(undefined);
    } catch (e) {
      this.drainTimer?.cancel();
      this.finish(classifyCursorError(e, this.deps.clock.now()));
    }
  }

  /** Stops reading until the consumer has taken all but EVENTS_LOW_WATER events (or the run ended). */
  private async waitForConsumer(): Promise<void> {
    const room = this.eventQueue.whenRoom(EVENTS_LOW_WATER);
    if (!room) return;
    this.backpressured = true;
    try {
      await room;
    } finally {
      this.backpressured = false;
      this.lastFrameAt = this.lastProgressAt = this.deps.clock.now();
    }
  }

  /** The request frames as Connect reads them, noting when it has taken the last one. */
  private requestFrames(): AsyncIterable<AgentClientFrame> {
    let ended!: () => void;
    this.requestSideEnded = new Promise((resolve) => (ended = resolve));
    const queue = this.requests;
    const abort = this.abort.signal;
    abort.addEventListener("abort", () => ended(), { once: true });
    return (async function* () {
      try {
        yield* queue;
      } finally {
        ended();
      }
    })();
  }

  /** Acts on every member of one frame; says whether the turn ended and whether it carried more than heartbeats. */
  private handle(frame: AgentServerFrame): { turnEnded: boolean; progress: boolean } {
    let turnEnded = false;
    let progress = false;
    for (const part of decodeServerFrame(frame)) {
      if (part.kind !== "update" || part.update.message.case !== "heartbeat") progress = true;
      switch (part.kind) {
        case "update":
          if (part.utf8Replaced) this.deps.onDiagnostic?.("cursor: a text delta was not valid UTF-8; its bad bytes became U+FFFD");
          for (const ev of updateToEvents(part.update)) {
            if (ev.type === "turn_ended") turnEnded = true;
            else this.eventQueue.push(ev);
          }
          break;
        case "exec": {
          const outcome = answerExec(part.exec, this.tools);
          if (outcome.kind === "tool_call") {
            this.pending.set(outcome.call.execId, outcome.call);
            this.eventQueue.push({ type: "tool_call", call: outcome.call });
          } else {
            if (outcome.refused) this.deps.onDiagnostic?.(`cursor: refused native tool ${outcome.refused} (exec ${part.exec.id}); the model was told to use the client's tools`);
            this.requests.push(outcome.frame);
          }
          break;
        }
        case "kv":
          this.requests.push(answerKv(part.kv, this.blobs));
          break;
        case "checkpoint":
          // The run's own blob store, not a copy: Cursor may set a blob the checkpoint needs
          // after sending it, and a replay must still find that blob.
          this.eventQueue.push({ type: "checkpoint", bytes: part.bytes, blobs: this.blobs });
          break;
        case "exec_control":
          if (part.control.message.case === "abort") {
            const id = part.control.message.value.id;
            this.pending.delete(id);
            this.abortedExecs.add(id);
          }
          break;
        case "query":
          this.requests.push(answerInteractionQuery(part.query));
          break;
        case "undecodable":
          // Skipping it would drop text unseen, or leave a request the server waits on
          // unanswered until the stall watchdog: the turn ends here, clearly.
          this.deps.onDiagnostic?.(`cursor: could not decode server frame field ${part.field}: ${String(part.error)}`);
          this.finish(undecodableFrameError(part.field, part.error));
          return { turnEnded: false, progress };
      }
    }
    // turn_ended goes last so nothing carried by the same frame is lost.
    if (turnEnded) this.eventQueue.push({ type: "turn_ended" });
    return { turnEnded, progress };
  }

  /**
   * Ends the run once: stops timers, settles the events, half-closes the stream and
   * cancels it — at once, or after turn_ended (`draining`) only if the server has not
   * ended it within drainMs.
   */
  private finish(error: RelayError | undefined, draining = false): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    if (error) noteUpstreamError(error);
    this.heartbeat.cancel();
    this.watchdog?.cancel();
    this.progressWatchdog?.cancel();
    this.signal?.removeEventListener("abort", this.onSignal);
    if (error) this.eventQueue.fail(error);
    else this.eventQueue.end();
    this.requests.end();
    if (draining) this.drainTimer = this.deps.clock.setTimeout(() => this.abort.abort(), this.deps.drainMs ?? DEFAULT_DRAIN_MS);
    else this.abort.abort();
  }
}
