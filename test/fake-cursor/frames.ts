// Server frames built with the generated code: each AgentServerFrame member carries the
// serialized real message (InteractionUpdate, ExecServerMessage, …). Only the 5-byte Connect
// envelope header is written by hand (encodeEnvelope from @connectrpc/connect/protocol).
import { create, toBinary, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import {
  ExecServerMessageSchema,
  InteractionUpdateSchema,
  KvServerMessageSchema,
  ToolCallSchema,
} from "../../proto/gen/agent/v1/agent_pb.ts";
import { AgentServerFrameSchema, type AgentServerFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";

export const FLAG_END_STREAM = 0x02;

export type ServerFrameInit = MessageInitShape<typeof AgentServerFrameSchema>;

export function envelope(frame: ServerFrameInit | AgentServerFrame): Uint8Array {
  return encodeEnvelope(0, toBinary(AgentServerFrameSchema, create(AgentServerFrameSchema, frame)));
}

export function updateBytes(update: MessageInitShape<typeof InteractionUpdateSchema>): Uint8Array {
  return toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, update));
}

export function updateFrame(update: MessageInitShape<typeof InteractionUpdateSchema>): Uint8Array {
  return envelope({ interactionUpdate: updateBytes(update) });
}

export const textDelta = (text: string) => updateFrame({ message: { case: "textDelta", value: { text } } });
export const thinkingDelta = (text: string) => updateFrame({ message: { case: "thinkingDelta", value: { text } } });
export const thinkingCompleted = (ms: number) => updateFrame({ message: { case: "thinkingCompleted", value: { thinkingDurationMs: ms } } });
export const tokenDelta = (tokens: number) => updateFrame({ message: { case: "tokenDelta", value: { tokens } } });
export const heartbeat = () => updateFrame({ message: { case: "heartbeat", value: {} } });
export const turnEnded = () => updateFrame({ message: { case: "turnEnded", value: {} } });

export function execBytes(exec: MessageInitShape<typeof ExecServerMessageSchema>): Uint8Array {
  return toBinary(ExecServerMessageSchema, create(ExecServerMessageSchema, exec));
}

export function kvBytes(kv: MessageInitShape<typeof KvServerMessageSchema>): Uint8Array {
  return toBinary(KvServerMessageSchema, create(KvServerMessageSchema, kv));
}

/** Appends a length-delimited field the schema does not know (valid protobuf: fields may come in any order). */
export function withUnknownField(message: Uint8Array, fieldNo: number, payload: Uint8Array = new Uint8Array()): Uint8Array {
  const extra = new BinaryWriter().tag(fieldNo, WireType.LengthDelimited).bytes(payload).finish();
  const out = new Uint8Array(message.length + extra.length);
  out.set(message, 0);
  out.set(extra, message.length);
  return out;
}

/** tool_call_started whose ToolCall holds only an unknown (or any) kind field number. */
export function toolCallStartedFrame(kind: number, callId: string, modelCallId: string): Uint8Array {
  // Parsing keeps the unknown field in $unknown, and serializing writes it back.
  const toolCall = fromBinary(ToolCallSchema, withUnknownField(new Uint8Array(), kind));
  return updateFrame({ message: { case: "toolCallStarted", value: { callId, modelCallId, toolCall } } });
}

/** An end-stream envelope with any JSON body (a shape Connect does not define, for drift tests). */
export function endStreamRaw(body: unknown): Uint8Array {
  return encodeEnvelope(FLAG_END_STREAM, new TextEncoder().encode(JSON.stringify(body)));
}

export function endStream(error?: { code: string; message: string }): Uint8Array {
  return endStreamRaw(error ? { error } : {});
}

/**
 * Splits a byte stream into Connect envelopes (client → server direction). Chunks are kept
 * as they come and copied once, when an envelope is complete: a 10 MB request in 16 KB
 * chunks costs 10 MB of copying, not 10 MB per chunk.
 */
export class EnvelopeSplitter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  push(chunk: Uint8Array): { flags: number; data: Uint8Array }[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: { flags: number; data: Uint8Array }[] = [];
    while (this.buffered >= 5) {
      const head = this.peek(5);
      const length = new DataView(head.buffer, head.byteOffset, 5).getUint32(1, false);
      if (length > this.maxBytes) throw new Error(`client envelope of ${length} bytes exceeds ${this.maxBytes}`);
      if (this.buffered - 5 < length) break;
      const envelope = this.take(5 + length);
      out.push({ flags: envelope[0]!, data: envelope.subarray(5) });
    }
    return out;
  }

  get pendingBytes(): number {
    return this.buffered;
  }

  /** The first n buffered bytes (n ≤ buffered), without consuming them. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (const c of this.chunks) {
      const part = c.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === n) break;
    }
    return out;
  }

  /** Removes and returns the first n buffered bytes (n ≤ buffered) as a copy of its own. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const part = c.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (part.length === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part.length);
    }
    this.buffered -= n;
    return out;
  }
}
