// One Run stream on the raw node:http2 side: reads and records every client frame, lets
// the script wait for a specific exec/KV reply, writes frames with backpressure, and knows
// every way the stream can end (end-stream envelope, RST_STREAM, GOAWAY, client close).
import { fromBinary } from "@bufbuild/protobuf";
import type { ServerHttp2Stream } from "node:http2";
import type { ExecClientMessage, KvClientMessage } from "../../proto/gen/agent/v1/agent_pb.ts";
import { ExecClientMessageSchema } from "../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, type AgentRunRequestFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import { endStream, EnvelopeSplitter, heartbeat } from "./frames.ts";
import type { RunRecord } from "./records.ts";

/** Thrown into the script when the stream is gone (client closed, reset, GOAWAY). */
export class StreamGone extends Error {
  constructor() {
    super("stream closed");
  }
}

/** Field number of the result member an ExecClientMessage carries (unknown fields count too). */
export function execReplyField(msg: ExecClientMessage): number {
  const name = msg.message.case;
  if (name !== undefined) return ExecClientMessageSchema.fields.find((f) => f.localName === name)?.number ?? 0;
  const unknown = msg.$unknown?.find((u) => u.no !== 1 && u.no !== 15 && u.no !== 19);
  return unknown?.no ?? 0;
}

/** The first client frame was not run_request. */
export class FirstFrameError extends Error {
  constructor(got: string) {
    super(`the first frame must be run_request, got ${got}`);
  }
}

export function newRunRecord(headers: Record<string, string>): RunRecord {
  return {
    sub: null,
    headers,
    conversationId: "",
    modelId: "",
    userText: "",
    toolNames: [],
    rootPromptBlobIds: [],
    systemPrompt: null,
    replayedCheckpoint: false,
    replayedCheckpointOwner: null,
    conversationStateBytes: new Uint8Array(),
    heartbeats: 0,
    toolResults: [],
    execReplies: [],
    kvReplies: [],
    requestContextTools: [],
    streamClosed: false,
    outcome: "open",
    injected: null,
    turnIndex: 0,
    accountKey: null,
    execControls: [],
    checkpointsSent: [],
    imageCount: 0,
    tokensSent: 0,
    tokensConfirmed: 0,
    connectionLost: false,
    requestEnded: false,
    closeCode: null,
  };
}

/** Open Run streams per HTTP/2 connection, so a GOAWAY can record what it took down with it. */
const openByConnection = new WeakMap<object, Set<RunStream>>();

export class RunStream {
  private readonly splitter = new EnvelopeSplitter();
  private readonly execWaiters = new Map<number, (m: ExecClientMessage) => void>();
  private readonly kvWaiters = new Map<number, (m: KvClientMessage) => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly heartbeatListeners = new Set<() => void>();
  private runRequest: Promise<AgentRunRequestFrame>;
  private resolveRunRequest!: (r: AgentRunRequestFrame) => void;
  private rejectRunRequest!: (e: Error) => void;
  private gotRunRequest = false;
  private responded = false;
  private nextExec = 1;
  private nextKv = 1;
  private readonly connection: object | undefined;
  /** exec id -> tool_call_id the script sent, so tool results can be recorded with it. */
  readonly toolCallIds = new Map<number, string>();
  closed = false;
  /** A GOAWAY on another stream took this one's connection: nothing more is written. */
  private connectionGone = false;
  /** turn_ended was written: a client closing after it still means the turn completed. */
  turnEndedSent = false;

  constructor(
    readonly stream: ServerHttp2Stream,
    readonly record: RunRecord,
    private readonly heartbeatMs: number,
  ) {
    this.runRequest = new Promise((resolve, reject) => {
      this.resolveRunRequest = resolve;
      this.rejectRunRequest = reject;
    });
    this.runRequest.catch(() => {});
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("error", () => {});
    stream.on("end", () => (this.record.requestEnded = true));
    stream.on("close", () => this.onClose());
    // Kept here: a closed stream no longer knows its session.
    this.connection = stream.session;
    if (this.connection) {
      let open = openByConnection.get(this.connection);
      if (!open) openByConnection.set(this.connection, (open = new Set()));
      open.add(this);
    }
  }

  // ---- reading -------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    let envelopes;
    try {
      envelopes = this.splitter.push(chunk);
    } catch {
      void this.fail("resource_exhausted", "client message too large").catch(() => {});
      return;
    }
    for (const env of envelopes) {
      let frame;
      try {
        frame = fromBinary(AgentClientFrameSchema, env.data);
      } catch {
        void this.fail("invalid_argument", "fake Cursor could not decode a client frame").catch(() => {});
        return;
      }
      this.onFrame(frame.message);
    }
  }

  private onFrame(message: ReturnType<typeof fromBinary<typeof AgentClientFrameSchema>>["message"]): void {
    const r = this.record;
    if (!this.gotRunRequest && message.case !== "runRequest") {
      this.gotRunRequest = true;
      this.rejectRunRequest(new FirstFrameError(message.case ?? "an empty frame"));
    }
    switch (message.case) {
      case "runRequest":
        if (!this.gotRunRequest) {
          this.gotRunRequest = true;
          this.resolveRunRequest(message.value);
        }
        return;
      case "clientHeartbeat":
        r.heartbeats++;
        for (const l of [...this.heartbeatListeners]) l();
        return;
      case "execClientMessage": {
        const m = message.value;
        r.execReplies.push({ execId: m.id, field: execReplyField(m) });
        if (m.message.case === "mcpResult") {
          const result = m.message.value.result;
          const text =
            result.case === "success"
              ? result.value.content.map((c) => (c.content.case === "text" ? c.content.value.text : "")).join("")
              : result.case === "error"
                ? result.value.error
                : result.case === "rejected"
                  ? result.value.reason
                  : result.case === "permissionDenied"
                    ? result.value.error
                    : "";
          r.toolResults.push({
            execId: m.id,
            execIdString: m.execId,
            toolCallId: this.toolCallIds.get(m.id) ?? "",
            text,
            isError: result.case === "success" ? result.value.isError : true,
            kind: result.case ?? "none",
          });
        }
        if (m.message.case === "requestContextResult" && m.message.value.result.case === "success") {
          r.requestContextTools = (m.message.value.result.value.requestContext?.tools ?? []).map((t) => t.name || t.toolName);
        }
        const waiter = this.execWaiters.get(m.id);
        this.execWaiters.delete(m.id);
        waiter?.(m);
        return;
      }
      case "kvClientMessage": {
        const m = message.value;
        const kind = m.message.case === "getBlobResult" ? "get" : "set";
        const entry: RunRecord["kvReplies"][number] = { id: m.id, kind };
        if (m.message.case === "getBlobResult") {
          entry.found = m.message.value.blobData !== undefined;
          if (m.message.value.blobData !== undefined) entry.data = m.message.value.blobData;
        }
        r.kvReplies.push(entry);
        const waiter = this.kvWaiters.get(m.id);
        this.kvWaiters.delete(m.id);
        waiter?.(m);
        return;
      }
      case "execClientControlMessage": {
        const c = message.value.message;
        r.execControls.push({ kind: c.case ?? "none", id: c.value?.id ?? 0 });
        return;
      }
      default:
        return;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.record.streamClosed = true;
    this.record.closeCode = this.stream.rstCode ?? 0;
    if (this.connection) openByConnection.get(this.connection)?.delete(this);
    if (this.record.outcome === "open") this.record.outcome = this.turnEndedSent ? "completed" : "client_closed";
    this.rejectRunRequest(new StreamGone());
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }

  /** Resolves once the stream is gone. */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeListeners.add(resolve));
  }

  /** The first client frame (it must be run_request). */
  firstRunRequest(): Promise<AgentRunRequestFrame> {
    return this.runRequest;
  }

  // ---- waiting -------------------------------------------------------------------------

  private race<T>(register: (resolve: (v: T) => void) => () => void): Promise<T> {
    if (this.closed) return Promise.reject(new StreamGone());
    return new Promise<T>((resolve, reject) => {
      const onClose = () => {
        unregister();
        reject(new StreamGone());
      };
      const unregister = register((v) => {
        this.closeListeners.delete(onClose);
        unregister();
        resolve(v);
      });
      this.closeListeners.add(onClose);
    });
  }

  /** Keeps sending server heartbeats while `p` is pending (the fake "thinks" while it waits). */
  async withHeartbeats<T>(p: Promise<T>, everyMs = this.heartbeatMs): Promise<T> {
    const timer = setInterval(() => void this.write(heartbeat()).catch(() => {}), everyMs);
    try {
      return await p;
    } finally {
      clearInterval(timer);
    }
  }

  newExecId(): { id: number; execId: string } {
    const id = this.nextExec++;
    return { id, execId: `exec-${id}` };
  }

  newKvId(): number {
    return this.nextKv++;
  }

  /** Call before writing the request: its reply proves the client read every token written so far. */
  waitExec(id: number): Promise<ExecClientMessage> {
    return this.confirmingTokens(
      this.withHeartbeats(
        this.race<ExecClientMessage>((resolve) => {
          this.execWaiters.set(id, resolve);
          return () => this.execWaiters.delete(id);
        }),
      ),
    );
  }

  /** Call before writing the request: its reply proves the client read every token written so far. */
  waitKv(id: number): Promise<KvClientMessage> {
    return this.confirmingTokens(
      this.withHeartbeats(
        this.race<KvClientMessage>((resolve) => {
          this.kvWaiters.set(id, resolve);
          return () => this.kvWaiters.delete(id);
        }),
      ),
    );
  }

  /** Counts a token delta once it is written. */
  tokensWritten(n: number): void {
    this.record.tokensSent += n;
  }

  private async confirmingTokens<T>(reply: Promise<T>): Promise<T> {
    const sentBefore = this.record.tokensSent;
    const value = await reply;
    this.record.tokensConfirmed = Math.max(this.record.tokensConfirmed, sentBefore);
    return value;
  }

  waitHeartbeats(count: number): Promise<void> {
    if (this.record.heartbeats >= count) return Promise.resolve();
    return this.race<void>((resolve) => {
      const l = () => {
        if (this.record.heartbeats >= count) resolve();
      };
      this.heartbeatListeners.add(l);
      return () => this.heartbeatListeners.delete(l);
    });
  }

  sleep(ms: number): Promise<void> {
    return this.race<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      return () => clearTimeout(t);
    });
  }

  // ---- writing -------------------------------------------------------------------------

  /** Sends the response headers (200, Connect streaming content type) once. */
  respond(): void {
    if (this.responded || this.closed) return;
    this.responded = true;
    this.stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
  }

  /** A bare non-200 answer with no body (docs/protocol.md §10 gap 1). */
  respondStatus(status: number): void {
    if (this.responded || this.closed) return;
    this.responded = true;
    this.stream.respond({ ":status": status }, { endStream: true });
  }

  get hasResponded(): boolean {
    return this.responded;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.connectionGone || this.stream.destroyed || this.stream.writableEnded) throw new StreamGone();
    this.respond();
    if (this.stream.write(bytes)) return;
    await this.race<void>((resolve) => {
      this.stream.once("drain", resolve);
      return () => this.stream.off("drain", resolve);
    });
  }

  /** End-stream `{}` then END_STREAM. */
  async finish(): Promise<void> {
    if (this.closed || this.stream.writableEnded) return;
    this.respond();
    if (this.record.outcome === "open") this.record.outcome = "completed";
    this.stream.end(endStream());
  }

  /** End-stream error envelope then END_STREAM. */
  async fail(code: string, message: string, injected: string = code): Promise<void> {
    if (this.closed || this.stream.writableEnded) return;
    this.respond();
    this.record.outcome = "failed";
    this.record.injected ??= injected;
    this.stream.end(endStream({ code, message }));
  }

  /** Ends the HTTP/2 stream without an end-stream envelope (after a malformed frame). */
  endRaw(bytes?: Uint8Array): void {
    if (this.closed || this.stream.writableEnded) return;
    this.respond();
    this.record.outcome = "failed";
    if (bytes) this.stream.end(bytes);
    else this.stream.end();
  }

  rst(code: number): void {
    if (this.closed) return;
    this.record.outcome = "failed";
    this.stream.close(code);
  }

  goaway(code: number): void {
    if (this.closed) return;
    this.record.outcome = "failed";
    const session = this.stream.session;
    if (!session) return;
    // The other streams of the connection stop too: a server that sent GOAWAY (last-stream-id 0) writes nothing more.
    for (const other of openByConnection.get(session) ?? []) {
      if (other === this) continue;
      other.record.connectionLost = true;
      other.connectionGone = true;
    }
    // last-stream-id 0: every open stream on this connection was "not processed".
    session.goaway(code, 0);
    setTimeout(() => session.destroy(), 20).unref();
  }
}
