// One Run stream: writes the first frame, heartbeats and every reply into a request queue
// that stays open for the whole turn; reads the server frames in the background (also
// while nobody pulls events, e.g. when parked on a tool call), answers every request,
// and turns updates into CursorEvents. After turn_ended it closes the stream itself.
import { createContextValues, type Client } from "@connectrpc/connect";
import type { McpToolDefinition } from "../../proto/gen/agent/v1/agent_pb.ts";
import type { AgentService } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { Clock, TimerHandle } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import { AsyncQueue } from "./async-queue.ts";
import { classifyCursorError, noProgressError, stallError } from "./error-classification.ts";
import { toolResultFrame } from "./exec-replies.ts";
import { actOnFrame, type FrameTarget } from "./frame-actions.ts";
import { createQuietWatchdog, type QuietWatchdog } from "./quiet-watchdog.ts";
import { buildRunRequestFrame, toMcpToolDefinitions } from "./request-builder.ts";
import { oversizedRunRequest } from "./request-limit.ts";
import { createRequestSide, type RequestSide } from "./request-side.ts";
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

const NO_WATCH: QuietWatchdog = { touch() {}, restartQuiet() {}, pause() {}, end() {} };

export class CursorRunStream implements CursorRun, RunInternals {
  readonly events: AsyncIterable<CursorEvent>;
  private readonly eventQueue = new AsyncQueue<CursorEvent>();
  private readonly abort = new AbortController();
  private readonly requests: RequestSide = createRequestSide(this.abort.signal);
  private readonly tools: McpToolDefinition[];
  private readonly pending = new Map<number, ToolCallRequest>();
  private readonly abortedExecs = new Set<number>();
  /** No frame at all for stallTimeoutMs. */
  private stall: QuietWatchdog = NO_WATCH;
  /** Nothing but heartbeats for progressTimeoutMs; paused while a tool call waits for the client. */
  private progress: QuietWatchdog = NO_WATCH;
  private drainTimer: TimerHandle | undefined;
  /** Reading is paused until the consumer catches up: silence then is ours, not Cursor's. */
  private backpressured = false;
  private failure: RelayError | undefined;
  private finished = false;
  private readonly onSignal = (): void => this.close();
  private readonly frameTarget: FrameTarget;

  // Only what the stream needs after its first frame: a parked stream must not keep the
  // request (system prompt, tool schemas, transcript: often hundreds of KB) alive.
  private readonly accessToken: string;
  private readonly signal: AbortSignal | undefined;

  constructor(
    private readonly deps: RunDeps,
    options: RunOptions,
  ) {
    this.accessToken = options.accessToken;
    this.signal = options.signal;
    this.events = this.eventQueue;
    this.tools = toMcpToolDefinitions(options.tools);
    this.frameTarget = this.targetFor(options.blobs);
    const first = buildRunRequestFrame(options, { toolDefs: this.tools, ...(deps.newUuid ? { newUuid: deps.newUuid } : {}) });
    // A request Cursor would refuse is that request's error: it fails here, before a
    // stream opens, so no account is blamed for it.
    const refusal = oversizedRunRequest(first, options.checkpoint ? 0 : blobBytes(options.blobs), deps.maxRequestBytes);
    if (refusal) {
      this.finish(refusal);
      return;
    }
    this.requests.send(first);
    this.requests.startHeartbeats(deps.clock, deps.heartbeatMs);
    this.startWatchdogs();
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
    this.requests.send(toolResultFrame(call, result));
    this.noteProgress();
  }

  close(): void {
    this.finish(undefined);
    this.eventQueue.clear();
  }

  private startWatchdogs(): void {
    const { clock, stallTimeoutMs, progressTimeoutMs } = this.deps;
    const held = () => this.backpressured;
    this.stall = createQuietWatchdog(clock, stallTimeoutMs, held, () => this.finish(stallError(stallTimeoutMs)));
    this.stall.touch();
    if (progressTimeoutMs === undefined) return;
    this.progress = createQuietWatchdog(clock, progressTimeoutMs, held, () => this.finish(noProgressError(progressTimeoutMs)));
    this.noteProgress();
  }

  /** (Re)starts the heartbeats-only watchdog; none while a tool call waits for the client. */
  private noteProgress(): void {
    if (this.pending.size > 0) this.progress.pause();
    else this.progress.touch();
  }

  /** The parts of this run a server frame acts on. */
  private targetFor(blobs: RunOptions["blobs"]): FrameTarget {
    return {
      tools: this.tools,
      blobs,
      emit: (event) => void this.eventQueue.push(event),
      reply: (frame) => this.requests.send(frame),
      awaitToolResult: (call) => void this.pending.set(call.execId, call),
      withdrawExec: (id) => {
        this.pending.delete(id);
        this.abortedExecs.add(id);
      },
      diagnostic: (message) => this.deps.onDiagnostic?.(message),
      fail: (error) => this.finish(error),
    };
  }

  private async readLoop(): Promise<void> {
    const contextValues = createContextValues().set(ACCESS_TOKEN, this.accessToken);
    try {
      const frames = this.deps.client.run(this.requests.frames, { signal: this.abort.signal, contextValues });
      for await (const frame of frames) {
        // Finished: what still comes (the end-stream after turn_ended) is read and dropped.
        if (this.finished) continue;
        this.stall.touch();
        const { turnEnded, progress } = actOnFrame(frame, this.frameTarget);
        if (turnEnded) {
          this.finish(undefined, true);
          // Read the server's end only once our side has ended: Connect stops writing
          // when the response completes, and a request side left open would then take
          // an RST_STREAM to close.
          await this.requests.ended;
          continue;
        }
        if (progress) this.noteProgress();
        if (this.eventQueue.size >= EVENTS_HIGH_WATER) await this.waitForConsumer();
      }
      this.drainTimer?.cancel();
      // A clean end-stream without turn_ended: Cursor's own client takes it as the end of
      // the turn, so the relay does too (an answer already sent is complete, not failed).
      // (A request write still in flight then is closed by the transport: request-side-close.ts.)
      if (!this.finished) {
        noteDrift("end_of_stream", "ended_without_turn_ended");
        this.deps.onDiagnostic?.("cursor: the stream ended cleanly without turn_ended; the turn is finished");
      }
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
      this.stall.restartQuiet();
      this.progress.restartQuiet();
    }
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
    this.stall.end();
    this.progress.end();
    this.signal?.removeEventListener("abort", this.onSignal);
    if (error) this.eventQueue.fail(error);
    else this.eventQueue.end();
    this.requests.end();
    if (draining) this.drainTimer = this.deps.clock.setTimeout(() => this.abort.abort(), this.deps.drainMs ?? DEFAULT_DRAIN_MS);
    else this.abort.abort();
  }
}
