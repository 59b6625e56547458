// A turn rendered as one non-streaming Anthropic Messages response. Blocks are built
// the way the stream writer would (same order, same merging, same signature), and the
// JSON goes out on end(). contentStarted turns true with the first collected block:
// the client has seen nothing yet, but a retry on another account would duplicate
// what is already collected, so a failure after that is reported, not retried
// (docs/protocol.md §10).
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createJsonSink, type JsonCollector } from "../json-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { anthropicErrors } from "./errors.ts";
import { newMessageId } from "./message-id.ts";
import { thinkingSignature } from "./thinking-signature.ts";
import { anthropicUsage, type AnthropicUsage } from "./usage.ts";

export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: AnthropicUsage;
}

export function createAnthropicJsonSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const content: AnthropicContentBlock[] = [];
  /** The block deltas still merge into (null after a thinking_done or a tool call). */
  let open: Extract<AnthropicContentBlock, { type: "text" | "thinking" }> | null = null;

  function append(type: "text" | "thinking", t: string) {
    if (open?.type === "text" && type === "text") open.text += t;
    else if (open?.type === "thinking" && type === "thinking") open.thinking += t;
    else {
      open = type === "text" ? { type, text: t } : { type, thinking: t, signature: "" };
      content.push(open);
    }
  }

  const collector: JsonCollector = {
    get contentStarted() {
      return content.length > 0;
    },
    showThinking: options.showThinking,
    content: {
      text: (t: string) => append("text", t),
      thinking: (t: string) => append("thinking", t),
      thinkingDone() {
        if (open?.type === "thinking") open = null;
      },
      toolCall(call: ToolCallRequest) {
        open = null;
        content.push({ type: "tool_use", id: toClientToolId(call.toolCallId), name: call.name, input: toolArguments(call.argsJson).value });
      },
    },
    body(reason: StopReason, outputTokens: number): AnthropicMessage {
      for (const block of content) if (block.type === "thinking") block.signature = thinkingSignature(block.thinking);
      return {
        id: options.messageId ?? newMessageId(),
        type: "message",
        role: "assistant",
        model: options.model,
        content,
        stop_reason: reason,
        stop_sequence: null,
        usage: anthropicUsage(inputTokensOf(options), outputTokens),
      };
    },
  };
  return createJsonSink(channel, collector, anthropicErrors);
}
