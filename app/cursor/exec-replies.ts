// What the relay answers to every server request that needs a reply (docs/protocol.md §4.9,
// §4.11, §4.14, §5.5). Rule: never leave the server waiting — each exec kind gets its
// typed rejection with the result field of the same number, MCP calls become tool_call
// events, and unknown kinds are answered with an empty result in the same field.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  ExecClientMessageSchema,
  InteractionResponseSchema,
  KvClientMessageSchema,
  type ExecServerMessage,
  type InteractionQuery,
  type KvServerMessage,
  type McpToolDefinition,
} from "../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, type AgentClientFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { BlobStore, ToolCallRequest, ToolResult } from "./types.ts";
import { mcpArgsToJson } from "./values.ts";

/** The reason the model gets for every native tool the relay refuses: it steers it to the client's tools. */
export const REJECTION_REASON = "Tool not available in this environment. Use the MCP tools provided instead.";

/** ExecServerMessage fields that are not an exec kind. */
const EXEC_ENVELOPE_FIELDS = new Set([1, 15, 19]);

type ExecResult = NonNullable<MessageInitShape<typeof ExecClientMessageSchema>["message"]>;

const execFrame = (exec: ExecServerMessage, message: ExecResult, unknownField?: number): AgentClientFrame => {
  const reply = create(ExecClientMessageSchema, { id: exec.id, execId: exec.execId, message });
  if (unknownField !== undefined) reply.$unknown = [emptyLenField(unknownField)];
  return create(AgentClientFrameSchema, { message: { case: "execClientMessage", value: reply } });
};

/** An empty sub-message in field `no`, for kinds this schema does not know. */
function emptyLenField(no: number) {
  return { no, wireType: WireType.LengthDelimited, data: new BinaryWriter().bytes(new Uint8Array(0)).finish() };
}

/** First length-delimited unknown field of a message — the args of an exec kind newer than our schema. */
function unknownKindField(msg: { $unknown?: { no: number; wireType: WireType }[] | undefined }, skip: Set<number>): number | undefined {
  return msg.$unknown?.find((f) => f.wireType === WireType.LengthDelimited && !skip.has(f.no))?.no;
}

export type ExecOutcome =
  | { kind: "tool_call"; call: ToolCallRequest }
  /** `refused`: the native tool kind turned down (e.g. `shell`, `read`, `unknown:99`), for the log. */
  | { kind: "reply"; frame: AgentClientFrame; field: number; refused?: string };

/** Decides how to answer one exec request. `tools` are the run's MCP tool definitions. */
export function answerExec(exec: ExecServerMessage, tools: McpToolDefinition[]): ExecOutcome {
  const reason = REJECTION_REASON;
  const m = exec.message;
  const refused = m.case?.replace(/(Exec)?Args$/, "");
  const reply = (field: number, message: ExecResult): ExecOutcome => ({ kind: "reply", frame: execFrame(exec, message), field, ...(refused ? { refused } : {}) });
  switch (m.case) {
    case "mcpArgs":
      return {
        kind: "tool_call",
        call: {
          execId: exec.id,
          execIdString: exec.execId,
          toolCallId: m.value.toolCallId,
          name: m.value.toolName !== "" ? m.value.toolName : m.value.name,
          argsJson: mcpArgsToJson(m.value.args),
        },
      };
    case "requestContextArgs":
      return { kind: "reply", frame: execFrame(exec, { case: "requestContextResult", value: { result: { case: "success", value: { requestContext: { tools } } } } }), field: 10 };
    case "shellArgs":
    case "shellStreamArgs": {
      // shell_stream_args is answered on shell_result (field 2) too, which works; see docs/protocol.md §4.11.
      const { command, workingDirectory } = m.value;
      return reply(2, { case: "shellResult", value: { result: { case: "rejected", value: { command, workingDirectory, reason } } } });
    }
    case "writeArgs":
      return reply(3, { case: "writeResult", value: { result: { case: "rejected", value: { path: m.value.path, reason } } } });
    case "deleteArgs":
      return reply(4, { case: "deleteResult", value: { result: { case: "rejected", value: { path: m.value.path, reason } } } });
    case "grepArgs":
      return reply(5, { case: "grepResult", value: { result: { case: "error", value: { error: reason } } } });
    case "readArgs":
      return reply(7, { case: "readResult", value: { result: { case: "rejected", value: { path: m.value.path, reason } } } });
    case "lsArgs":
      return reply(8, { case: "lsResult", value: { result: { case: "rejected", value: { path: m.value.path, reason } } } });
    case "diagnosticsArgs":
      return reply(9, { case: "diagnosticsResult", value: {} });
    case "backgroundShellSpawnArgs": {
      const { command, workingDirectory } = m.value;
      return reply(16, {
        case: "backgroundShellSpawnResult",
        value: { result: { case: "rejected", value: { command, workingDirectory, reason } } },
      });
    }
    case "listMcpResourcesExecArgs":
      return reply(17, { case: "listMcpResourcesExecResult", value: { result: { case: "rejected", value: { reason } } } });
    case "readMcpResourceExecArgs":
      return reply(18, {
        case: "readMcpResourceExecResult",
        value: { result: { case: "rejected", value: { uri: m.value.uri, reason } } },
      });
    case "fetchArgs":
      return reply(20, { case: "fetchResult", value: { result: { case: "error", value: { url: m.value.url, error: reason } } } });
    case "recordScreenArgs":
      return reply(21, { case: "recordScreenResult", value: { result: { case: "failure", value: { error: reason } } } });
    case "computerUseArgs":
      return reply(22, { case: "computerUseResult", value: { result: { case: "error", value: { error: reason } } } });
    case "writeShellStdinArgs":
      return reply(23, { case: "writeShellStdinResult", value: { result: { case: "error", value: { error: reason } } } });
    case undefined: {
      const field = unknownKindField(exec, EXEC_ENVELOPE_FIELDS);
      return { kind: "reply", frame: execFrame(exec, { case: undefined }, field), field: field ?? 0, refused: `unknown:${field ?? 0}` };
    }
  }
}

/**
 * exec_client_message{mcp_result.success{content[text], is_error}} for a client tool result;
 * mcp_result.rejected{reason} for a call the relay refused to hand out.
 */
export function toolResultFrame(call: ToolCallRequest, result: ToolResult): AgentClientFrame {
  return create(AgentClientFrameSchema, {
    message: {
      case: "execClientMessage",
      value: {
        id: call.execId,
        execId: call.execIdString,
        message: {
          case: "mcpResult",
          value: {
            result: result.rejected
              ? { case: "rejected", value: { reason: result.text } }
              : { case: "success", value: { content: [{ content: { case: "text", value: { text: result.text } } }], isError: result.isError } },
          },
        },
      },
    },
  });
}

/** KV get → the stored blob (or an empty result); KV set → store a copy, empty result. */
export function answerKv(kv: KvServerMessage, blobs: BlobStore): AgentClientFrame {
  const m = kv.message;
  let message: NonNullable<MessageInitShape<typeof KvClientMessageSchema>["message"]>;
  if (m.case === "getBlobArgs") {
    const data = blobs.get(Buffer.from(m.value.blobId).toString("hex"));
    message = { case: "getBlobResult", value: data === undefined ? {} : { blobData: data } };
  } else if (m.case === "setBlobArgs") {
    blobs.set(Buffer.from(m.value.blobId).toString("hex"), Uint8Array.from(m.value.blobData));
    message = { case: "setBlobResult", value: {} };
  } else {
    // A KV kind newer than the schema: echo the id with an empty result in the same field.
    const reply = create(KvClientMessageSchema, { id: kv.id });
    const field = unknownKindField(kv, new Set([1, 4]));
    if (field !== undefined) reply.$unknown = [emptyLenField(field)];
    return create(AgentClientFrameSchema, { message: { case: "kvClientMessage", value: reply } });
  }
  return create(AgentClientFrameSchema, {
    message: { case: "kvClientMessage", value: create(KvClientMessageSchema, { id: kv.id, message }) },
  });
}

/** interaction_query → a rejection where the response type has one (docs/protocol.md §5.5), else an empty answer. */
export function answerInteractionQuery(q: InteractionQuery): AgentClientFrame {
  const reason = "Not available through this client.";
  const rejected = { result: { case: "rejected" as const, value: { reason } } };
  let result: NonNullable<MessageInitShape<typeof InteractionResponseSchema>["result"]>;
  switch (q.query.case) {
    case "webSearchRequestQuery":
      result = { case: "webSearchRequestResponse", value: rejected };
      break;
    case "askQuestionInteractionQuery":
      result = { case: "askQuestionInteractionResponse", value: { result: rejected } };
      break;
    case "switchModeRequestQuery":
      result = { case: "switchModeRequestResponse", value: rejected };
      break;
    case "exaSearchRequestQuery":
      result = { case: "exaSearchRequestResponse", value: rejected };
      break;
    case "exaFetchRequestQuery":
      result = { case: "exaFetchRequestResponse", value: rejected };
      break;
    case "createPlanRequestQuery":
      result = { case: "createPlanRequestResponse", value: { result: { result: { case: "error", value: { error: reason } } } } };
      break;
    case "setupVmEnvironmentArgs":
      result = { case: "setupVmEnvironmentResult", value: {} };
      break;
    case undefined:
      result = { case: undefined };
  }
  const response = create(InteractionResponseSchema, { id: q.id, result });
  if (q.query.case === undefined) {
    const field = unknownKindField(q, new Set([1]));
    if (field !== undefined) response.$unknown = [emptyLenField(field)];
  }
  return create(AgentClientFrameSchema, { message: { case: "interactionResponse", value: response } });
}
