// A turn rendered as one non-streaming Response object: text and thinking are
// collected, tool calls listed in order, and the JSON goes out on end(). As for the
// other JSON writers, contentStarted turns true with the first collected content so a
// later failure is reported instead of retried into a duplicate.
import { systemClock } from "../../base/clock.ts";
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createJsonSink, type JsonCollector } from "../json-sink.ts";
import { inputTokensOf } from "../sink-options.ts";
import { openAiErrors } from "../openai/errors.ts";
import {
  finalStatus,
  messageItem,
  newItemId,
  reasoningItem,
  responseObject,
  responsesUsage,
  toolCallItem,
  type OutputItem,
  type ResponsesSinkOptions,
} from "./response-object.ts";

export function createResponsesJsonSink(channel: ResponseChannel, options: ResponsesSinkOptions): TurnSink {
  const createdAt = Math.floor((options.clock ?? systemClock).now() / 1000);
  const output: OutputItem[] = [];
  /** The item text is being appended to (a new one starts when the kind changes). */
  let open: { kind: "text" | "reasoning"; text: string } | null = null;

  const closeOpen = () => {
    if (!open) return;
    output.push(open.kind === "text" ? messageItem(newItemId("msg"), open.text, "completed") : reasoningItem(newItemId("rs"), open.text));
    open = null;
  };
  const append = (kind: "text" | "reasoning", text: string) => {
    if (open?.kind !== kind) {
      closeOpen();
      open = { kind, text: "" };
    }
    open.text += text;
  };

  const collector: JsonCollector = {
    get contentStarted() {
      return output.length > 0 || open !== null;
    },
    showThinking: options.showThinking,
    content: {
      text: (t: string) => append("text", t),
      thinking: (t: string) => append("reasoning", t),
      thinkingDone() {
        if (open?.kind === "reasoning") closeOpen();
      },
      toolCall(call: ToolCallRequest) {
        closeOpen();
        output.push(toolCallItem(call, options.toolNames));
      },
    },
    body(reason: StopReason, outputTokens: number): unknown {
      closeOpen();
      return responseObject(options, {
        id: options.messageId ?? newItemId("resp"),
        createdAt,
        status: finalStatus(reason),
        output,
        usage: responsesUsage(inputTokensOf(options), outputTokens),
      });
    },
  };
  return createJsonSink(channel, collector, openAiErrors);
}
