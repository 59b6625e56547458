// A turn rendered as one non-streaming chat.completion. Text and reasoning are
// collected, tool calls listed in order, and the JSON goes out on end(). As for the
// Anthropic JSON writer, contentStarted turns true with the first collected content so
// a later failure is reported instead of retried into a duplicate (docs/protocol.md §10).
import { systemClock } from "../../base/clock.ts";
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createJsonSink, type JsonCollector } from "../json-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { openAiErrors } from "./errors.ts";
import { finishReason, openAiUsage, type FinishReason, type OpenAiUsage } from "./finish.ts";
import { newCompletionId } from "./stream-writer.ts";

export interface OpenAiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAiChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: "assistant";
      content: string | null;
      refusal: null;
      reasoning_content?: string;
      tool_calls?: OpenAiToolCall[];
    };
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: OpenAiUsage;
}

export function createOpenAiJsonSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const created = Math.floor((options.clock ?? systemClock).now() / 1000);
  let text = "";
  let reasoning = "";
  const toolCalls: OpenAiToolCall[] = [];

  const collector: JsonCollector = {
    get contentStarted() {
      return text !== "" || reasoning !== "" || toolCalls.length > 0;
    },
    showThinking: options.showThinking,
    content: {
      text: (t: string) => {
        text += t;
      },
      thinking: (t: string) => {
        reasoning += t;
      },
      thinkingDone() {},
      toolCall(call: ToolCallRequest) {
        toolCalls.push({ id: toClientToolId(call.toolCallId), type: "function", function: { name: call.name, arguments: toolArguments(call.argsJson).json } });
      },
    },
    body(reason: StopReason, outputTokens: number): OpenAiChatCompletion {
      const message: OpenAiChatCompletion["choices"][number]["message"] = {
        role: "assistant",
        content: text === "" && toolCalls.length > 0 ? null : text,
        refusal: null,
      };
      if (reasoning !== "") message.reasoning_content = reasoning;
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return {
        id: options.messageId ?? newCompletionId(),
        object: "chat.completion",
        created,
        model: options.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(reason) }],
        usage: openAiUsage(inputTokensOf(options), outputTokens),
      };
    },
  };
  return createJsonSink(channel, collector, openAiErrors);
}
