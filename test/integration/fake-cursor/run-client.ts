// A small, honest Run client for testing the fake itself: connect-node over h2c with the
// generated AgentService, every server frame decoded member by member, KV and
// request_context answered automatically, tool calls handed to the test.
import { create, fromBinary, toBinary, toJson, type MessageInitShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { createClient, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { createHash } from "node:crypto";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import {
  ConversationStateStructureSchema,
  ExecServerMessageSchema,
  InteractionUpdateSchema,
  KvServerMessageSchema,
  type ExecServerMessage,
  type InteractionUpdate,
  type KvServerMessage,
} from "../../../proto/gen/agent/v1/agent_pb.ts";
import {
  AgentClientFrameSchema,
  AgentRunRequestFrameSchema,
  AgentService,
  type AgentClientFrame,
} from "../../../proto/gen/agent/v1/agent_service_pb.ts";

export interface DecodedFrame {
  update?: InteractionUpdate;
  exec?: ExecServerMessage;
  kv?: KvServerMessage;
  checkpoint?: Uint8Array;
}

export interface RunClientOptions {
  token?: string;
  systemPrompt?: string;
  userText?: string;
  conversationId?: string;
  checkpoint?: Uint8Array;
  /** Extra (fresh) state fields, e.g. structured turns. */
  turns?: Uint8Array[];
  tools?: string[];
  /** The client's blob store (KV gets are served from it, sets stored in it). */
  blobs?: Map<string, Uint8Array>;
  /** Answer mcp_args exec requests; return undefined to leave it unanswered. */
  onToolCall?: (exec: ExecServerMessage, run: RunClient) => void;
  /** Answer native exec kinds (default: reply with an empty result of the same field). */
  answerNative?: boolean;
  initialWindowSize?: number;
  /** Share one HTTP/2 connection between clients (its owner aborts it); default: a connection of its own. */
  sessionManager?: Http2SessionManager;
  /** model_details.model_id (default composer-2). */
  modelId?: string;
}

export const systemBlob = (prompt: string) => new TextEncoder().encode(JSON.stringify({ content: prompt, role: "system" }));
export const blobIdOf = (data: Uint8Array) => new Uint8Array(createHash("sha256").update(data).digest());
export const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

export function mcpArgsJson(exec: ExecServerMessage): Record<string, unknown> {
  if (exec.message.case !== "mcpArgs") return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exec.message.value.args)) {
    out[k] = toJson(ValueSchema, fromBinary(ValueSchema, v));
  }
  return out;
}

export class RunClient {
  readonly frames: DecodedFrame[] = [];
  readonly requests = new AsyncQueue<AgentClientFrame>();
  readonly blobs: Map<string, Uint8Array>;
  readonly done: Promise<ConnectError | null>;
  private readonly sessionManager: Http2SessionManager;
  private readonly ownsSession: boolean;
  private readonly abort = new AbortController();

  constructor(
    baseUrl: string,
    private readonly options: RunClientOptions = {},
  ) {
    this.blobs = options.blobs ?? new Map();
    this.ownsSession = options.sessionManager === undefined;
    this.sessionManager =
      options.sessionManager ?? new Http2SessionManager(baseUrl, {}, options.initialWindowSize ? { settings: { initialWindowSize: options.initialWindowSize } } : {});
    const transport = createConnectTransport({ httpVersion: "2", baseUrl, useBinaryFormat: true, acceptCompression: [], sessionManager: this.sessionManager });
    const client = createClient(AgentService, transport);
    let state = options.checkpoint;
    if (!state) {
      const sys = systemBlob(options.systemPrompt ?? "You are a helpful assistant.");
      const id = blobIdOf(sys);
      this.blobs.set(hexOf(id), sys);
      state = toBinary(ConversationStateStructureSchema, create(ConversationStateStructureSchema, { rootPromptMessagesJson: [id], turns: options.turns ?? [] }));
    }
    const tools = (options.tools ?? []).map((name) => ({
      name,
      toolName: name,
      description: `${name} tool`,
      providerIdentifier: "proxy",
      inputSchema: toBinary(ValueSchema, create(ValueSchema, { kind: { case: "stringValue", value: "schema" } })),
    }));
    const runRequest: MessageInitShape<typeof AgentRunRequestFrameSchema> = {
      conversationState: state,
      conversationId: options.conversationId ?? "0f1e2d3c-0000-4000-8000-000000000001",
      modelDetails: { modelId: options.modelId ?? "composer-2", displayModelId: options.modelId ?? "composer-2", displayName: options.modelId ?? "composer-2" },
      action: { action: { case: "userMessageAction", value: { userMessage: { text: options.userText ?? "hi", messageId: "m1" } } } },
      ...(tools.length > 0 ? { mcpTools: { mcpTools: tools } } : {}),
    };
    this.send({ case: "runRequest", value: runRequest });
    const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
    this.done = (async () => {
      try {
        for await (const f of client.run(this.requests, { signal: this.abort.signal, ...(headers ? { headers } : {}) })) {
          const d: DecodedFrame = {};
          if (f.interactionUpdate !== undefined) d.update = fromBinary(InteractionUpdateSchema, f.interactionUpdate);
          if (f.execServerMessage !== undefined) d.exec = fromBinary(ExecServerMessageSchema, f.execServerMessage);
          if (f.kvServerMessage !== undefined) d.kv = fromBinary(KvServerMessageSchema, f.kvServerMessage);
          if (f.conversationCheckpointUpdate !== undefined) d.checkpoint = f.conversationCheckpointUpdate;
          this.frames.push(d);
          this.react(d);
        }
        return null;
      } catch (e) {
        return ConnectError.from(e);
      } finally {
        this.requests.end();
      }
    })();
  }

  send(message: MessageInitShape<typeof AgentClientFrameSchema>["message"]): void {
    this.requests.push(create(AgentClientFrameSchema, { message } as MessageInitShape<typeof AgentClientFrameSchema>));
  }

  heartbeat(): void {
    this.send({ case: "clientHeartbeat", value: {} });
  }

  sendToolResult(exec: ExecServerMessage, text: string, isError = false): void {
    this.send({
      case: "execClientMessage",
      value: { id: exec.id, execId: exec.execId, message: { case: "mcpResult", value: { result: { case: "success", value: { isError, content: [{ content: { case: "text", value: { text } } }] } } } } },
    });
  }

  private react(d: DecodedFrame): void {
    if (d.kv) {
      const kv = d.kv;
      if (kv.message.case === "getBlobArgs") {
        const data = this.blobs.get(hexOf(kv.message.value.blobId));
        this.send({ case: "kvClientMessage", value: { id: kv.id, message: { case: "getBlobResult", value: data ? { blobData: data } : {} } } });
      } else if (kv.message.case === "setBlobArgs") {
        this.blobs.set(hexOf(kv.message.value.blobId), kv.message.value.blobData);
        this.send({ case: "kvClientMessage", value: { id: kv.id, message: { case: "setBlobResult", value: {} } } });
      }
    }
    const exec = d.exec;
    if (!exec) return;
    if (exec.message.case === "requestContextArgs") {
      const tools = (this.options.tools ?? []).map((name) => ({ name, toolName: name, providerIdentifier: "proxy" }));
      this.send({ case: "execClientMessage", value: { id: exec.id, execId: exec.execId, message: { case: "requestContextResult", value: { result: { case: "success", value: { requestContext: { tools } } } } } } });
    } else if (exec.message.case === "mcpArgs") {
      this.options.onToolCall?.(exec, this);
    } else if (exec.message.case === "readArgs" && this.options.answerNative !== false) {
      this.send({
        case: "execClientMessage",
        value: { id: exec.id, execId: exec.execId, message: { case: "readResult", value: { result: { case: "rejected", value: { path: exec.message.value.path, reason: "Tool not available" } } } } },
      });
    }
  }

  get updates(): InteractionUpdate[] {
    return this.frames.flatMap((f) => (f.update ? [f.update] : []));
  }

  text(): string {
    return this.updates.map((u) => (u.message.case === "textDelta" ? u.message.value.text : "")).join("");
  }

  /** Ends the request side and the stream. */
  close(): void {
    this.requests.end();
    this.abort.abort();
  }

  /** Waits for the response to finish, then closes everything. */
  async finish(): Promise<ConnectError | null> {
    const e = await this.done;
    this.close();
    if (this.ownsSession) this.sessionManager.abort();
    return e;
  }
}

export function updateCases(run: RunClient): string[] {
  return run.frames.map((f) => (f.update ? (f.update.message.case ?? "unknown") : f.exec ? `exec:${f.exec.message.case ?? "unknown"}` : f.kv ? `kv:${f.kv.message.case}` : f.checkpoint ? "checkpoint" : "empty"));
}
