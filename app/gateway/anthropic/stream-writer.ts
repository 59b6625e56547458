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
import { systemClock } from "../../base/clock.ts";
import type { RelayError } from "../../base/errors.ts";
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import type { ContentEvent } from "../json-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { createDeltaCoalescer } from "../delta-coalescer.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { anthropicErrorBody, anthropicErrorHeaders } from "./errors.ts";
import { newMessageId } from "./message-id.ts";
import { thinkingSignature } from "./thinking-signature.ts";
import { anthropicUsage } from "./usage.ts";

type OpenBlock = { kind: "text"; index: number } | { kind: "thinking"; index: number; text: string };

export function createAnthropicStreamSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const messageId = options.messageId ?? newMessageId();
  let messageStarted = false;
  let contentStarted = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;

  const send = (type: string, payload: Record<string, unknown>) => channel.sse(type, JSON.stringify({ type, ...payload }));

  function startMessage() {
    if (messageStarted) return;
    messageStarted = true;
    send("message_start", {
      message: {
        id: messageId,
        type: "message",
        role: "assistant",
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(inputTokensOf(options), 0),
      },
    });
  }

  function startBlock(block: Record<string, unknown>): number {
    startMessage();
    closeBlock();
    const index = nextIndex++;
    contentStarted = true;
    send("content_block_start", { index, content_block: block });
    return index;
  }

  function closeBlock() {
    if (open === null) return;
    const block = open;
    open = null;
    if (block.kind === "thinking") {
      send("content_block_delta", { index: block.index, delta: { type: "signature_delta", signature: thinkingSignature(block.text) } });
    }
    send("content_block_stop", { index: block.index });
  }

  function emitText(t: string) {
    if (open?.kind !== "text") open = { kind: "text", index: startBlock({ type: "text", text: "" }) };
    send("content_block_delta", { index: open.index, delta: { type: "text_delta", text: t } });
  }

  function emitThinking(t: string) {
    if (open?.kind !== "thinking") open = { kind: "thinking", index: startBlock({ type: "thinking", thinking: "", signature: "" }), text: "" };
    open.text += t;
    send("content_block_delta", { index: open.index, delta: { type: "thinking_delta", thinking: t } });
  }

  const batch = options.coalesce
    ? createDeltaCoalescer<"text" | "thinking">((kind, t) => (kind === "text" ? emitText(t) : emitThinking(t)), options.clock ?? systemClock, options.coalesce)
    : null;
  /** Sends what the batch holds, before anything that must come after it. */
  const flush = () => batch?.flush();

  function text(t: string) {
    if (t === "") return;
    if (batch) batch.add("text", t);
    else emitText(t);
  }

  function thinking(t: string) {
    if (t === "" || !options.showThinking) return;
    if (batch) batch.add("thinking", t);
    else emitThinking(t);
  }

  function toolUse(call: ToolCallRequest) {
    flush();
    const index = startBlock({ type: "tool_use", id: toClientToolId(call.toolCallId), name: call.name, input: {} });
    send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: toolArguments(call.argsJson).json } });
    send("content_block_stop", { index });
  }

  const writer: StreamWriter = {
    get contentStarted() {
      return contentStarted;
    },
    collect(event: ContentEvent) {
      switch (event.type) {
        case "text":
          text(event.text);
          break;
        case "thinking":
          thinking(event.text);
          break;
        case "thinking_done":
          flush();
          if (open?.kind === "thinking") closeBlock();
          break;
        case "tool_call":
          toolUse(event.call);
          break;
      }
    },
    flush,
    closeBatch: () => batch?.close(),
    finish(reason: StopReason, outputTokens: number) {
      startMessage();
      closeBlock();
      send("message_delta", {
        delta: { stop_reason: reason, stop_sequence: null },
        usage: anthropicUsage(inputTokensOf(options), outputTokens),
      });
      send("message_stop", {});
    },
    failInStream(error: RelayError) {
      // Open blocks stay unclosed on purpose: the content is incomplete, not finished.
      channel.sse("error", JSON.stringify(anthropicErrorBody(error)));
    },
    keepAlive() {
      startMessage();
      send("ping", {});
    },
  };
  return createStreamSink(channel, writer, { body: anthropicErrorBody, headers: anthropicErrorHeaders });
}
