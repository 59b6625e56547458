// Decodes one AgentServerFrame into everything it carries. The frame message keeps each
// top-level member as separate bytes (proto/agent/v1/agent_service.proto), so a frame
// with both a request and an interaction update yields both, in field order.
import { fromBinary } from "@bufbuild/protobuf";
import {
  ExecServerControlMessageSchema,
  ExecServerMessageSchema,
  InteractionQuerySchema,
  InteractionUpdateSchema,
  KvServerMessageSchema,
  type ExecServerControlMessage,
  type ExecServerMessage,
  type InteractionQuery,
  type InteractionUpdate,
  type KvServerMessage,
  type ToolCall,
} from "../../proto/gen/agent/v1/agent_pb.ts";
import type { AgentServerFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import { lenientTextDelta } from "./lenient-text.ts";
import type { CursorEvent } from "./types.ts";
import { noteUnknownFields } from "./drift.ts";

export type ServerPart =
  | { kind: "update"; update: InteractionUpdate; utf8Replaced?: true }
  | { kind: "exec"; exec: ExecServerMessage }
  | { kind: "checkpoint"; bytes: Uint8Array }
  | { kind: "kv"; kv: KvServerMessage }
  | { kind: "exec_control"; control: ExecServerControlMessage }
  | { kind: "query"; query: InteractionQuery }
  | { kind: "undecodable"; field: number; error: unknown };

function decode<T>(field: number, parse: () => T, wrap: (v: T) => ServerPart): ServerPart {
  try {
    return wrap(noteUnknownFields(parse()));
  } catch (error) {
    return { kind: "undecodable", field, error };
  }
}

/** An InteractionUpdate; a text/thinking delta with invalid UTF-8 gets U+FFFD for the bad bytes. */
function decodeUpdate(bytes: Uint8Array): ServerPart {
  const part = decode(1, () => fromBinary(InteractionUpdateSchema, bytes), (update): ServerPart => ({ kind: "update", update }));
  if (part.kind !== "undecodable") return part;
  const repaired = lenientTextDelta(bytes);
  return repaired ? { kind: "update", update: repaired, utf8Replaced: true } : part;
}

/** Every member of the frame, decoded with its real message type, in field-number order. */
export function decodeServerFrame(frame: AgentServerFrame): ServerPart[] {
  const parts: ServerPart[] = [];
  noteUnknownFields(frame);
  const { interactionUpdate, execServerMessage, conversationCheckpointUpdate, kvServerMessage } = frame;
  if (interactionUpdate !== undefined) parts.push(decodeUpdate(interactionUpdate));
  if (execServerMessage !== undefined)
    parts.push(decode(2, () => fromBinary(ExecServerMessageSchema, execServerMessage), (exec) => ({ kind: "exec", exec })));
  if (conversationCheckpointUpdate !== undefined)
    parts.push({ kind: "checkpoint", bytes: Uint8Array.from(conversationCheckpointUpdate) });
  if (kvServerMessage !== undefined)
    parts.push(decode(4, () => fromBinary(KvServerMessageSchema, kvServerMessage), (kv) => ({ kind: "kv", kv })));
  const control = frame.execServerControlMessage;
  if (control !== undefined)
    parts.push(
      decode(5, () => fromBinary(ExecServerControlMessageSchema, control), (c) => ({ kind: "exec_control", control: c })),
    );
  const query = frame.interactionQuery;
  if (query !== undefined)
    parts.push(decode(7, () => fromBinary(InteractionQuerySchema, query), (q) => ({ kind: "query", query: q })));
  return parts;
}

/** The client-visible events of one InteractionUpdate (docs/protocol.md §4.10); informational kinds yield none. */
export function updateToEvents(update: InteractionUpdate): CursorEvent[] {
  const m = update.message;
  switch (m.case) {
    case "textDelta":
      return m.value.text === "" ? [] : [{ type: "text", text: m.value.text }];
    case "thinkingDelta":
      return m.value.text === "" ? [] : [{ type: "thinking", text: m.value.text }];
    case "thinkingCompleted":
      return [{ type: "thinking_done", durationMs: m.value.thinkingDurationMs }];
    case "tokenDelta":
      return m.value.tokens === 0 ? [] : [{ type: "tokens", tokens: m.value.tokens }];
    case "turnEnded":
      return [{ type: "turn_ended" }];
    default:
      return [];
  }
}

/** The ToolCall kind: the oneof case, or `unknown:<field>` for kinds newer than the schema (e.g. 37). */
export function toolCallKind(call: ToolCall | undefined): string | undefined {
  if (call === undefined) return undefined;
  if (call.tool.case !== undefined) return call.tool.case;
  const unknown = call.$unknown?.[0];
  return unknown === undefined ? undefined : `unknown:${unknown.no}`;
}

/** A summary of a tool-call update (started / completed / partial), for logs and tests. */
export function describeToolCallUpdate(
  update: InteractionUpdate,
): { update: string; callId: string; modelCallId: string; kind: string | undefined; toolCall: ToolCall | undefined } | undefined {
  const m = update.message;
  if (m.case === "toolCallStarted" || m.case === "toolCallCompleted" || m.case === "partialToolCall") {
    return { update: m.case, callId: m.value.callId, modelCallId: m.value.modelCallId, kind: toolCallKind(m.value.toolCall), toolCall: m.value.toolCall };
  }
  return undefined;
}
