// Plays one Run: authenticate, read run_request, the faithful prologue of docs/protocol.md §11
// (system-prompt KV get, request_context exec), then the scenario's steps for this
// account and turn, then end-stream `{}` unless a step already ended the stream.
import { create, fromBinary, fromJson, toBinary, type DescMessage, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { constants as h2 } from "node:http2";
import { createHash, randomUUID } from "node:crypto";
import {
  ConversationStateStructureSchema,
  ExecServerMessageSchema,
  McpArgsSchema,
  type ExecClientMessage,
} from "../../proto/gen/agent/v1/agent_pb.ts";
import type { AgentRunRequestFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import { TextDeltaUpdateSchema } from "../../proto/gen/agent/v1/agent_pb.ts";
import * as F from "./frames.ts";
import { FirstFrameError, RunStream, StreamGone } from "./run-stream.ts";
import { NATIVE_EXEC_KINDS, selectTurn, stepKind, turnSteps, type NativeExecKind, type Scenario, type Step } from "./scenario.ts";
import type { TokenAuthority } from "./tokens.ts";

export interface IssuedCheckpoint {
  owner: string | null;
  conversationId: string;
}

/** Shared state of the fake that Runs read and update. */
export interface RunContext {
  scenario(): Scenario;
  tokens: TokenAuthority;
  /** base64(checkpoint bytes) -> who got it. */
  checkpoints: Map<string, IssuedCheckpoint>;
  /** Runs opened per sub. */
  turnCounts: Map<string, number>;
  /** Distinct subs in the order they first opened a Run ("@1", "@2", …). */
  subOrder: string[];
  nextCheckpointSerial(): number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const utf8 = (s: string) => new TextEncoder().encode(s);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** The deterministic text of the load mode: each chunk is the start of this pattern. */
export const LOAD_PATTERN = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function loadChunk(chunkBytes: number): string {
  let s = "";
  while (s.length < chunkBytes) s += LOAD_PATTERN;
  return s.slice(0, chunkBytes);
}

/** The full text a `textBytes` step streams, for tests that compare. */
export function loadText(textBytes: number, chunkBytes = 64): string {
  const chunk = loadChunk(chunkBytes);
  return chunk.repeat(Math.floor(textBytes / chunkBytes)) + chunk.slice(0, textBytes % chunkBytes);
}

const DEFAULT_FAIL_MESSAGES: Record<string, string> = {
  resource_exhausted: "You have reached your usage limit (fake Cursor).",
  unauthenticated: "Not logged in (fake Cursor).",
  permission_denied: "This account may not use this model (fake Cursor).",
  internal: "Internal error (fake Cursor).",
  unavailable: "Service unavailable (fake Cursor).",
};

function nativeExecDefaults(kind: NativeExecKind, toolCallId: string): Record<string, JsonValue> {
  switch (kind) {
    case "shell":
    case "shellStream":
      return { command: "ls -la", workingDirectory: "/tmp", toolCallId };
    case "backgroundShellSpawn":
      return { command: "sleep 100", workingDirectory: "/tmp", toolCallId };
    case "write":
      return { path: "/tmp/fake-cursor.txt", fileText: "hello", toolCallId };
    case "delete":
    case "diagnostics":
      return { path: "/tmp/fake-cursor.txt", toolCallId };
    case "read":
      return { path: "/etc/hosts", toolCallId };
    case "grep":
      return { pattern: "TODO", path: ".", toolCallId };
    case "ls":
      return { path: ".", toolCallId };
    case "fetch":
      return { url: "https://example.com/", toolCallId };
    case "listMcpResources":
      return { server: "fake" };
    case "readMcpResource":
      return { server: "fake", uri: "file:///fake" };
    case "recordScreen":
    case "computerUse":
      return { toolCallId };
    case "writeShellStdin":
      return { shellId: 1, chars: "y\n" };
    case "requestContext":
      return {};
  }
}

/** Per-Run script state. */
class Turn {
  textSoFar = "";
  tokens = 0;
  lastToolResult: string | null = null;
  /** Blob ids (raw) the fake set via KV on this Run, referenced by its checkpoints. */
  readonly setBlobs: Uint8Array[] = [];
  /** Root blob ids of the incoming state (fresh or replayed), carried into new checkpoints. */
  rootBlobs: Uint8Array[] = [];
  usedTokensBefore = 0;
  toolSerial = 0;

  constructor(
    readonly rs: RunStream,
    readonly ctx: RunContext,
    readonly sub: string,
    readonly conversationId: string,
  ) {}

  async kvSet(data: Uint8Array): Promise<Uint8Array> {
    const blobId = createHash("sha256").update(data).digest();
    const id = this.rs.newKvId();
    const reply = this.rs.waitKv(id);
    reply.catch(() => {});
    await this.rs.write(F.envelope({ kvServerMessage: F.kvBytes({ id, message: { case: "setBlobArgs", value: { blobId, blobData: data } } }) }));
    await reply;
    this.tagKv(id, blobId);
    this.setBlobs.push(new Uint8Array(blobId));
    return new Uint8Array(blobId);
  }

  async kvGet(blobId: Uint8Array): Promise<Uint8Array | undefined> {
    const id = this.rs.newKvId();
    const reply = this.rs.waitKv(id);
    reply.catch(() => {});
    await this.rs.write(F.envelope({ kvServerMessage: F.kvBytes({ id, message: { case: "getBlobArgs", value: { blobId } } }) }));
    const msg = await reply;
    this.tagKv(id, blobId);
    return msg.message.case === "getBlobResult" ? msg.message.value.blobData : undefined;
  }

  private tagKv(id: number, blobId: Uint8Array): void {
    const entry = [...this.rs.record.kvReplies].reverse().find((e) => e.id === id);
    if (entry) entry.blobId = hex(blobId);
  }

  /** Sends an exec built from `bytes` (a serialized ExecServerMessage) and optionally waits for its reply. */
  async exec(id: number, bytes: Uint8Array, wait: boolean): Promise<ExecClientMessage | undefined> {
    const reply = wait ? this.rs.waitExec(id) : undefined;
    reply?.catch(() => {});
    await this.rs.write(F.envelope({ execServerMessage: bytes }));
    return reply ? await reply : undefined;
  }

  async requestContext(): Promise<void> {
    const { id, execId } = this.rs.newExecId();
    await this.exec(id, F.execBytes({ id, execId, message: { case: "requestContextArgs", value: {} } }), true);
  }

  async text(text: string): Promise<void> {
    this.textSoFar += text;
    await this.rs.write(F.textDelta(text));
  }

  async checkpoint(): Promise<void> {
    if (this.setBlobs.length === 0) {
      await this.kvSet(utf8(JSON.stringify({ role: "assistant", content: this.textSoFar })));
    }
    const serial = this.ctx.nextCheckpointSerial();
    const seen = new Set<string>();
    const roots = [...this.rootBlobs, ...this.setBlobs].filter((b) => !seen.has(hex(b)) && seen.add(hex(b)));
    const bytes = toBinary(
      ConversationStateStructureSchema,
      create(ConversationStateStructureSchema, {
        rootPromptMessagesJson: roots,
        tokenDetails: { usedTokens: this.usedTokensBefore + this.tokens, maxTokens: 200_000 },
        summary: utf8(`fake-cursor checkpoint #${serial} of ${this.conversationId}`),
      }),
    );
    this.ctx.checkpoints.set(b64(bytes), { owner: this.sub, conversationId: this.conversationId });
    this.rs.record.checkpointsSent.push(bytes);
    await this.rs.write(F.envelope({ conversationCheckpointUpdate: bytes }));
  }
}

function fillRecordFromRequest(rs: RunStream, req: AgentRunRequestFrame): void {
  const r = rs.record;
  r.conversationId = req.conversationId ?? "";
  r.modelId = req.modelDetails?.modelId ?? "";
  const action = req.action?.action;
  if (action?.case === "userMessageAction") {
    r.userText = action.value.userMessage?.text ?? "";
    r.imageCount = action.value.userMessage?.selectedContext?.selectedImages.length ?? 0;
  }
  r.toolNames = (req.mcpTools?.mcpTools ?? []).map((t) => t.name || t.toolName);
  r.conversationStateBytes = req.conversationState;
}

/** Handles one Run stream from its first byte to its end. */
export async function playRun(rs: RunStream, ctx: RunContext, authorization: string | undefined): Promise<void> {
  const scenario = ctx.scenario();
  const auth = await ctx.tokens.verifyBearer(authorization);
  let steps: Step[] = [];
  let prologue = true;
  if (auth.ok) {
    const sub = auth.sub;
    rs.record.sub = sub;
    if (!ctx.subOrder.includes(sub)) ctx.subOrder.push(sub);
    const ordinal = ctx.subOrder.indexOf(sub) + 1;
    const index = ctx.turnCounts.get(sub) ?? 0;
    ctx.turnCounts.set(sub, index + 1);
    rs.record.turnIndex = index;
    const accounts = scenario.accounts ?? {};
    rs.record.accountKey = accounts[sub] ? sub : accounts[`@${ordinal}`] ? `@${ordinal}` : accounts["*"] ? "*" : null;
    const turn = selectTurn(scenario, sub, ordinal, index);
    if (turn) ({ steps, prologue } = turnSteps(turn));
    const first = steps[0];
    if (first && "httpStatus" in first) {
      rs.record.injected = `http_${first.httpStatus}`;
      rs.record.outcome = "failed";
      rs.respondStatus(first.httpStatus);
      return;
    }
    if (first && "refuseStream" in first) {
      // How an HTTP/2 server refuses a request outright, e.g. one that outgrew its memory.
      rs.record.injected = "refused_stream";
      rs.rst(first.refuseStream === true ? h2.NGHTTP2_ENHANCE_YOUR_CALM : first.refuseStream);
      return;
    }
  }
  rs.respond();
  let req: AgentRunRequestFrame;
  try {
    req = await rs.firstRunRequest();
  } catch (e) {
    if (e instanceof FirstFrameError) return rs.fail("invalid_argument", `fake Cursor: ${e.message}`, "bad_first_frame");
    throw e;
  }
  fillRecordFromRequest(rs, req);
  if (!auth.ok) return rs.fail("unauthenticated", `fake Cursor: ${auth.reason}`);
  const missing = missingHeader(scenario, rs.record.headers);
  if (missing) return rs.fail("failed_precondition", `fake Cursor: missing required header ${missing}`, "missing_header");
  if (steps.length === 0) {
    return rs.fail("failed_precondition", `fake Cursor: the scenario has no turn for account ${rs.record.sub}`, "no_turn");
  }

  // Which state came in: a checkpoint this fake issued, or a fresh structure.
  const issued = ctx.checkpoints.get(b64(req.conversationState));
  let state;
  try {
    state = fromBinary(ConversationStateStructureSchema, req.conversationState);
  } catch {
    return rs.fail("invalid_argument", "fake Cursor: conversation_state does not parse", "invalid_state");
  }
  const turn = new Turn(rs, ctx, rs.record.sub!, rs.record.conversationId);
  turn.rootBlobs = state.rootPromptMessagesJson.map((b) => new Uint8Array(b));
  turn.usedTokensBefore = state.tokenDetails?.usedTokens ?? 0;
  if (issued) {
    rs.record.replayedCheckpoint = true;
    rs.record.replayedCheckpointOwner = issued.owner;
  } else {
    rs.record.rootPromptBlobIds = state.rootPromptMessagesJson.map(hex);
    if (scenario.rejectStructuredTurns !== false && (state.turns.length > 0 || state.turnsOld.length > 0)) {
      return rs.fail("internal", "fake Cursor: structured turns on a conversation without server state", "internal(structured-turns)");
    }
  }

  if (prologue) {
    if (scenario.askSystemPrompt !== false) {
      for (const blobId of turn.rootBlobs) {
        const data = await turn.kvGet(blobId);
        if (rs.record.systemPrompt === null && data !== undefined) rs.record.systemPrompt = systemPromptOf(data, !issued);
      }
    }
    if (rs.record.toolNames.length > 0 && scenario.askRequestContext !== false) await turn.requestContext();
  }

  for (const step of steps) {
    const ended = await playStep(turn, step);
    if (ended) return;
  }
  await rs.finish();
}

/** The first header of `requireHeaders` the call did not send. */
export function missingHeader(scenario: Scenario, headers: Record<string, string>): string | undefined {
  return scenario.requireHeaders?.find((h) => headers[h.toLowerCase()] === undefined);
}

/** The system prompt in a root blob: `content` of a {"role":"system"} JSON, or the raw text of a fresh root blob. */
function systemPromptOf(data: Uint8Array, fresh: boolean): string | null {
  const text = new TextDecoder().decode(data);
  try {
    const parsed = JSON.parse(text) as { role?: unknown; content?: unknown };
    if (parsed.role === "system" && typeof parsed.content === "string") return parsed.content;
  } catch {
    // not JSON
  }
  return fresh ? text : null;
}

/** Plays one step; true when the stream has been ended by it. */
async function playStep(t: Turn, step: Step): Promise<boolean> {
  const rs = t.rs;
  const kind = stepKind(step);
  const s = step as Record<string, unknown> & Step;
  switch (kind) {
    case "thinking":
      await rs.write(F.thinkingDelta(s.thinking as string));
      return false;
    case "thinkingDone":
      await rs.write(F.thinkingCompleted(s.thinkingDone as number));
      return false;
    case "text":
      await t.text(s.text as string);
      return false;
    case "tokens":
      t.tokens += s.tokens as number;
      await rs.write(F.tokenDelta(s.tokens as number));
      rs.tokensWritten(s.tokens as number);
      return false;
    case "heartbeat": {
      const n = s.heartbeat === true ? 1 : (s.heartbeat as number);
      for (let i = 0; i < n; i++) await rs.write(F.heartbeat());
      return false;
    }
    case "sleepMs":
      await rs.sleep(s.sleepMs as number);
      return false;
    case "waitForHeartbeats":
      await rs.waitHeartbeats(s.waitForHeartbeats as number);
      return false;
    case "kvSet": {
      const v = s.kvSet as string | { data: string };
      await t.kvSet(utf8(typeof v === "string" ? v : v.data));
      return false;
    }
    case "kvGet": {
      const v = s.kvGet as string;
      const id = v === "@lastSet" ? t.setBlobs.at(-1) : new Uint8Array(Buffer.from(v, "hex"));
      await t.kvGet(id ?? new Uint8Array(32));
      return false;
    }
    case "requestContext":
      await t.requestContext();
      return false;
    case "toolCall":
      await toolCall(t, s.toolCall as Extract<Step, { toolCall: unknown }>["toolCall"]);
      return false;
    case "replyWithToolResult":
      await t.text(`${s.replyWithToolResult as string}${t.lastToolResult ?? "(no tool result)"}`);
      return false;
    case "nativeExec": {
      const v = s.nativeExec as Extract<Step, { nativeExec: unknown }>["nativeExec"];
      const spec = typeof v === "string" ? { kind: v } : v;
      const caseName = NATIVE_EXEC_KINDS[spec.kind];
      const field = ExecServerMessageSchema.fields.find((f) => f.localName === caseName);
      if (!field?.message) throw new Error(`no exec field for ${spec.kind}`);
      const { id, execId } = rs.newExecId();
      const json = { ...nativeExecDefaults(spec.kind, `toolu_native_${id}`), ...((spec.args ?? {}) as Record<string, JsonValue>) };
      const value = fromJson(field.message as DescMessage, json);
      const bytes = F.execBytes({ id, execId, message: { case: caseName, value } as never });
      await t.exec(id, bytes, "wait" in spec ? spec.wait !== false : true);
      return false;
    }
    case "unknownExec": {
      const v = s.unknownExec as Extract<Step, { unknownExec: unknown }>["unknownExec"];
      const spec = typeof v === "number" ? { field: v } : v;
      const { id, execId } = rs.newExecId();
      const bytes = F.withUnknownField(F.execBytes({ id, execId }), spec.field, utf8("fake unknown exec args"));
      await t.exec(id, bytes, spec.wait !== false);
      return false;
    }
    case "toolCallStarted": {
      const v = s.toolCallStarted as { kind: number; callId?: string; modelCallId?: string };
      await rs.write(F.toolCallStartedFrame(v.kind, v.callId ?? `call_fake_${++t.toolSerial}`, v.modelCallId ?? `${randomUUID()}-0-fake`));
      return false;
    }
    case "checkpoint":
      await t.checkpoint();
      return false;
    case "turnEnded":
      await rs.write(F.turnEnded());
      rs.turnEndedSent = true;
      return false;
    case "end":
      await rs.finish();
      return true;
    case "fail": {
      const code = s.fail as string;
      await rs.fail(code, (s.message as string | undefined) ?? DEFAULT_FAIL_MESSAGES[code] ?? `${code} (fake Cursor)`);
      return true;
    }
    case "rstStream":
      rs.record.injected = "rst_stream";
      rs.rst(s.rstStream === true ? h2.NGHTTP2_INTERNAL_ERROR : (s.rstStream as number));
      return true;
    case "goaway":
      rs.record.injected = "goaway";
      rs.goaway(s.goaway === true ? h2.NGHTTP2_INTERNAL_ERROR : (s.goaway as number));
      return true;
    case "silence": {
      const v = s.silence as true | { heartbeatMs: number };
      rs.record.injected = v === true ? "silence" : "heartbeats_only";
      await (v === true ? rs.whenClosed() : rs.withHeartbeats(rs.whenClosed(), v.heartbeatMs));
      return true;
    }
    case "multiFieldFrame":
      await multiFieldFrame(t, s.multiFieldFrame as { text: string; kvSet?: string; kvGet?: string });
      return false;
    case "malformed":
      return malformed(t, s.malformed as string);
    case "drift":
      return drift(t, s.drift as string);
    case "textBytes":
      await loadMode(t, s as unknown as { textBytes: number; chunkBytes?: number; paceMs?: number; tokensPerChunk?: number });
      return false;
    case "httpStatus":
      throw new Error("httpStatus must be the first step"); // parseScenario refuses it elsewhere
    case "refuseStream":
      throw new Error("refuseStream must be the first step"); // parseScenario refuses it elsewhere
    default:
      throw new Error(`unknown step ${kind}`);
  }
}

async function toolCall(t: Turn, spec: Extract<Step, { toolCall: unknown }>["toolCall"]): Promise<void> {
  const rs = t.rs;
  const { id, execId } = rs.newExecId();
  const toolCallId = spec.id ?? `toolu_fake_${id}`;
  const args: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(spec.args ?? {})) args[k] = toBinary(ValueSchema, fromJson(ValueSchema, v as JsonValue));
  const mcpArgs: MessageInitShape<typeof McpArgsSchema> = {
    name: spec.name,
    args,
    toolCallId,
    providerIdentifier: spec.providerIdentifier ?? "proxy",
    toolName: spec.toolName ?? spec.name,
  };
  if (spec.announce) {
    await rs.write(
      F.updateFrame({
        message: {
          case: "toolCallStarted",
          value: { callId: toolCallId, modelCallId: `${randomUUID()}-0-fake`, toolCall: { tool: { case: "mcpToolCall", value: { args: mcpArgs } } } },
        },
      }),
    );
  }
  rs.toolCallIds.set(id, toolCallId);
  const wait = spec.wait !== false;
  const reply = wait ? rs.waitExec(id) : undefined;
  reply?.catch(() => {});
  await rs.write(F.envelope({ execServerMessage: F.execBytes({ id, execId, message: { case: "mcpArgs", value: mcpArgs } }) }));
  if (!reply) return;
  if (spec.kvWhileWaiting) {
    const known = t.setBlobs.at(-1) ?? t.rootBlobs[0];
    if (known) await t.kvGet(known);
    else await t.kvSet(utf8(JSON.stringify({ role: "assistant", content: "waiting for a tool" })));
  }
  await reply;
  const recorded = [...rs.record.toolResults].reverse().find((r) => r.execId === id);
  t.lastToolResult = recorded?.text ?? "";
}

async function multiFieldFrame(t: Turn, spec: { text: string; kvSet?: string; kvGet?: string }): Promise<void> {
  const rs = t.rs;
  const id = rs.newKvId();
  let blobId: Uint8Array;
  let kv: Uint8Array;
  if (spec.kvGet !== undefined) {
    blobId = spec.kvGet === "@lastSet" && t.setBlobs.length > 0 ? t.setBlobs.at(-1)! : new Uint8Array(Buffer.from(spec.kvGet, "hex"));
    kv = F.kvBytes({ id, message: { case: "getBlobArgs", value: { blobId } } });
  } else {
    const data = utf8(spec.kvSet ?? JSON.stringify({ role: "assistant", content: spec.text }));
    blobId = new Uint8Array(createHash("sha256").update(data).digest());
    kv = F.kvBytes({ id, message: { case: "setBlobArgs", value: { blobId, blobData: data } } });
    t.setBlobs.push(blobId);
  }
  // The KV request first and the interaction update trailing in the same frame (two
  // AgentServerFrame encodings concatenated = one message with both fields, in that order).
  const head = F.envelope({ kvServerMessage: kv }).subarray(5);
  const tail = F.envelope({ interactionUpdate: F.updateBytes({ message: { case: "textDelta", value: { text: spec.text } } }) }).subarray(5);
  const payload = new Uint8Array(head.length + tail.length);
  payload.set(head, 0);
  payload.set(tail, head.length);
  const reply = rs.waitKv(id);
  reply.catch(() => {});
  t.textSoFar += spec.text;
  rs.record.injected ??= "multi_field_frame";
  await rs.write(encodeRaw(payload));
  await reply;
  const entry = [...rs.record.kvReplies].reverse().find((e) => e.id === id);
  if (entry) entry.blobId = hex(blobId);
}

/** A data envelope around already-serialized frame bytes. */
function encodeRaw(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setUint32(1, payload.length, false);
  out.set(payload, 5);
  return out;
}

/** Field numbers no schema version uses, for the drift steps. */
export const DRIFT_FIELD = 990;

/** Plays a protocol change; true when it ended the stream. */
async function drift(t: Turn, kind: string): Promise<boolean> {
  const rs = t.rs;
  rs.record.injected ??= `drift:${kind}`;
  switch (kind) {
    case "unknown-field": {
      // A text delta whose update and payload both carry a field the schema does not know.
      const text = "Drifted text.";
      t.textSoFar += text;
      const payload = F.withUnknownField(toBinary(TextDeltaUpdateSchema, create(TextDeltaUpdateSchema, { text })), DRIFT_FIELD, utf8("new"));
      const update = F.withUnknownField(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(payload).finish(), DRIFT_FIELD + 1);
      await rs.write(F.envelope({ interactionUpdate: update }));
      return false;
    }
    case "unknown-frame-kind":
      await rs.write(encodeEnvelope(0, F.withUnknownField(new Uint8Array(), DRIFT_FIELD, utf8("new frame kind"))));
      return false;
    case "unknown-update-kind":
      await rs.write(F.envelope({ interactionUpdate: F.withUnknownField(new Uint8Array(), DRIFT_FIELD) }));
      return false;
    case "renamed-end-stream":
      // turn_ended under a new field number, then an end-stream whose error key was renamed.
      await rs.write(F.envelope({ interactionUpdate: F.withUnknownField(new Uint8Array(), DRIFT_FIELD + 2) }));
      rs.endRaw(F.endStreamRaw({ status: { code: "ok" } }));
      rs.record.outcome = "completed";
      return true;
  }
  throw new Error(`unknown drift ${kind}`);
}

async function malformed(t: Turn, kind: string): Promise<boolean> {
  const rs = t.rs;
  rs.record.injected = `malformed:${kind}`;
  switch (kind) {
    case "truncated-envelope": {
      const whole = F.textDelta("this frame is cut short");
      rs.endRaw(whole.subarray(0, whole.length - 7));
      return true;
    }
    case "giant-length": {
      const header = new Uint8Array([0, 0xff, 0xff, 0xff, 0xf0]);
      rs.endRaw(Buffer.concat([header, Buffer.from("not nearly 4 GiB of payload")]));
      return true;
    }
    case "bit-flip": {
      const frame = F.textDelta("bit flip target");
      // Flip every bit of the first tag/length bytes of the payload: the frame's
      // structure breaks while the envelope stays well-formed.
      for (const i of [5, 6, 7]) frame[i] = frame[i]! ^ 0xff;
      await rs.write(frame);
      return false;
    }
    case "invalid-utf8": {
      const frame = F.textDelta("bad utf8: XX!");
      const at = Buffer.from(frame).indexOf("XX");
      frame[at] = 0xc3;
      frame[at + 1] = 0x28; // 0xC3 must be followed by a continuation byte; 0x28 is not
      await rs.write(frame);
      return false;
    }
    default:
      throw new Error(`unknown malformed kind ${kind}`);
  }
}

async function loadMode(t: Turn, spec: { textBytes: number; chunkBytes?: number; paceMs?: number; tokensPerChunk?: number }): Promise<void> {
  const rs = t.rs;
  const chunkBytes = Math.max(1, spec.chunkBytes ?? 64);
  const tokensPerChunk = spec.tokensPerChunk ?? 1;
  const chunk = loadChunk(chunkBytes);
  const full = Buffer.concat([F.textDelta(chunk), ...(tokensPerChunk > 0 ? [F.tokenDelta(tokensPerChunk)] : [])]);
  let remaining = spec.textBytes;
  const batch: Uint8Array[] = [];
  let batchBytes = 0;
  let batchTokens = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const buf = Buffer.concat(batch);
    const tokens = batchTokens;
    batch.length = 0;
    batchBytes = 0;
    batchTokens = 0;
    await rs.write(buf);
    rs.tokensWritten(tokens);
  };
  while (remaining > 0) {
    const n = Math.min(chunkBytes, remaining);
    remaining -= n;
    t.tokens += tokensPerChunk;
    const frame = n === chunkBytes ? full : Buffer.concat([F.textDelta(chunk.slice(0, n)), ...(tokensPerChunk > 0 ? [F.tokenDelta(tokensPerChunk)] : [])]);
    if (spec.paceMs && spec.paceMs > 0) {
      await rs.write(frame);
      rs.tokensWritten(tokensPerChunk);
      await rs.sleep(spec.paceMs);
      continue;
    }
    batch.push(frame);
    batchBytes += frame.length;
    batchTokens += tokensPerChunk;
    if (batchBytes >= 64 * 1024) await flush();
  }
  await flush();
  if (rs.closed) throw new StreamGone();
}
