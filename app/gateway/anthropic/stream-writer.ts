// A turn rendered as Anthropic Messages SSE:
//   message_start, (content_block_start, content_block_delta*, content_block_stop)*,
//   message_delta {stop_reason, usage}, message_stop
// with `ping` events while the upstream is silent and an `error` event when the turn
// fails after the response started.
//
// message_start is sent lazily: with the first content block or the first ping,
// whichever comes first. Until then nothing has gone out, so a turn that fails early
// (every account cooling, bad model, upstream 401) still gets a real HTTP status with
// retry-after — which Claude Code's retry logic needs — instead of an error event
// inside a 200 stream. The session layer pings after ~10 s of upstream silence, so the
// client has its headers long before any client timeout.
//
// Blocks never interleave: a new kind of content closes the open block first; a
// thinking block ends on thinking_done (or when text/tool use follows) with a
// signature_delta before its content_block_stop; a tool_use block is start, ONE
// input_json_delta with the whole arguments JSON, stop. Empty deltas open no block.
//
// With options.coalesce (the gateway sets it), bursts of small text/thinking deltas are
// batched into fewer content_block_delta events (delta-coalescer.ts); everything that
// must keep its order flushes the batch first.
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { anthropicErrorBody, anthropicErrors } from "./errors.ts";
import { newMessageId } from "./message-id.ts";
import { thinkingSignature } from "./thinking-signature.ts";
import { anthropicUsage } from "./usage.ts";

type OpenBlock = { kind: "text"; index: number } | { kind: "thinking"; index: number; text: string };

/** One message being streamed. */
interface MessageStream {
  readonly channel: ResponseChannel;
  readonly options: ResponseSinkOptions;
  readonly messageId: string;
  messageStarted: boolean;
  contentStarted: boolean;
  nextIndex: number;
  open: OpenBlock | null;
}

const send = (s: MessageStream, type: string, payload: Record<string, unknown>) => s.channel.sse(type, JSON.stringify({ type, ...payload }));

function startMessage(s: MessageStream): void {
  if (s.messageStarted) return;
  s.messageStarted = true;
  send(s, "message_start", {
    message: {
      id: s.messageId,
      type: "message",
      role: "assistant",
      model: s.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(inputTokensOf(s.options), 0),
    },
  });
}

function startBlock(s: MessageStream, block: Record<string, unknown>): number {
  startMessage(s);
  closeBlock(s);
  const index = s.nextIndex++;
  s.contentStarted = true;
  send(s, "content_block_start", { index, content_block: block });
  return index;
}

function closeBlock(s: MessageStream): void {
  const block = s.open;
  if (block === null) return;
  s.open = null;
  if (block.kind === "thinking") {
    send(s, "content_block_delta", { index: block.index, delta: { type: "signature_delta", signature: thinkingSignature(block.text) } });
  }
  send(s, "content_block_stop", { index: block.index });
}

function textDelta(s: MessageStream, t: string): void {
  if (s.open?.kind !== "text") s.open = { kind: "text", index: startBlock(s, { type: "text", text: "" }) };
  send(s, "content_block_delta", { index: s.open.index, delta: { type: "text_delta", text: t } });
}

function thinkingDelta(s: MessageStream, t: string): void {
  if (s.open?.kind !== "thinking") s.open = { kind: "thinking", index: startBlock(s, { type: "thinking", thinking: "", signature: "" }), text: "" };
  s.open.text += t;
  send(s, "content_block_delta", { index: s.open.index, delta: { type: "thinking_delta", thinking: t } });
}

function toolUse(s: MessageStream, call: ToolCallRequest): void {
  const index = startBlock(s, { type: "tool_use", id: toClientToolId(call.toolCallId), name: call.name, input: {} });
  send(s, "content_block_delta", { index, delta: { type: "input_json_delta", partial_json: toolArguments(call.argsJson).json } });
  send(s, "content_block_stop", { index });
}

function finish(s: MessageStream, reason: StopReason, outputTokens: number): void {
  startMessage(s);
  closeBlock(s);
  send(s, "message_delta", {
    delta: { stop_reason: reason, stop_sequence: null },
    usage: anthropicUsage(inputTokensOf(s.options), outputTokens),
  });
  send(s, "message_stop", {});
}

export function createAnthropicStreamSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const s: MessageStream = { channel, options, messageId: options.messageId ?? newMessageId(), messageStarted: false, contentStarted: false, nextIndex: 0, open: null };
  const writer: StreamWriter = {
    get contentStarted() {
      return s.contentStarted;
    },
    delta: (kind, t) => (kind === "text" ? textDelta(s, t) : thinkingDelta(s, t)),
    thinkingDone() {
      if (s.open?.kind === "thinking") closeBlock(s);
    },
    toolCall: (call) => toolUse(s, call),
    finish: (reason, outputTokens) => finish(s, reason, outputTokens),
    // Open blocks stay unclosed on purpose: the content is incomplete, not finished.
    failInStream: (error) => channel.sse("error", JSON.stringify(anthropicErrorBody(error))),
    keepAlive() {
      startMessage(s);
      send(s, "ping", {});
    },
  };
  return createStreamSink(channel, options, writer, anthropicErrors);
}
