// A turn rendered as OpenAI chat.completion.chunk SSE:
//   {delta:{role:"assistant", content:""}}, then delta.content / delta.reasoning_content /
//   delta.tool_calls chunks, a final chunk with finish_reason, a usage chunk
//   (choices: []) when the client asked for stream_options.include_usage, then [DONE].
//
// Like the Anthropic writer, nothing is sent before the first content or ping, so an
// early failure is still a real HTTP status. A ping is the role chunk the first time,
// then an empty-delta chunk (the channel has no SSE comments, and `{}` adds nothing a
// client could mistake for content). Each tool call is one chunk with its whole
// arguments; parallel calls get index 0, 1, ….
//
// With options.coalesce (the gateway sets it), bursts of small content/reasoning deltas
// are batched into fewer chunks (delta-coalescer.ts), flushed before a tool call or the end.
//
// A failure after the stream started is a data chunk `{"error":{…}}` with no [DONE]:
// the OpenAI SDK throws an APIError on a chunk with `error` (core/streaming.mjs), and a
// client that ignores the field still sees the stream end without the success marker.
import { randomBytes } from "node:crypto";
import { systemClock } from "../../base/clock.ts";
import type { RelayError } from "../../base/errors.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import type { ContentEvent } from "../json-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { createDeltaCoalescer } from "../delta-coalescer.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { openAiErrorBody, openAiErrorHeaders } from "./errors.ts";
import { finishReason, openAiUsage } from "./finish.ts";

export const newCompletionId = (): string => `chatcmpl-relay${randomBytes(12).toString("base64url")}`;

export function createOpenAiStreamSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const id = options.messageId ?? newCompletionId();
  const clock = options.clock ?? systemClock;
  const created = Math.floor(clock.now() / 1000);
  const includeUsage = options.includeUsage === true;
  let roleSent = false;
  let contentStarted = false;
  let toolIndex = 0;

  function chunk(delta: Record<string, unknown>, finish: string | null = null) {
    const body: Record<string, unknown> = {
      id,
      object: "chat.completion.chunk",
      created,
      model: options.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (includeUsage) body.usage = null; // the API's shape: null on every chunk but the usage one
    channel.sse(null, JSON.stringify(body));
  }

  function sendRole() {
    if (roleSent) return;
    roleSent = true;
    chunk({ role: "assistant", content: "" });
  }

  function content(delta: Record<string, unknown>) {
    sendRole();
    contentStarted = true;
    chunk(delta);
  }

  const batch = options.coalesce
    ? createDeltaCoalescer<"content" | "reasoning_content">((kind, t) => content({ [kind]: t }), clock, options.coalesce)
    : null;
  /** Sends what the batch holds, before anything that must come after it. */
  const flush = () => batch?.flush();
  const delta = (kind: "content" | "reasoning_content", t: string) => (batch ? batch.add(kind, t) : content({ [kind]: t }));

  const writer: StreamWriter = {
    get contentStarted() {
      return contentStarted;
    },
    collect(event: ContentEvent) {
      switch (event.type) {
        case "text":
          if (event.text !== "") delta("content", event.text);
          break;
        case "thinking":
          if (event.text !== "" && options.showThinking) delta("reasoning_content", event.text);
          break;
        case "thinking_done":
          break;
        case "tool_call": {
          flush();
          const call = event.call;
          content({
            tool_calls: [
              {
                index: toolIndex++,
                id: toClientToolId(call.toolCallId),
                type: "function",
                function: { name: call.name, arguments: toolArguments(call.argsJson).json },
              },
            ],
          });
          break;
        }
      }
    },
    flush,
    closeBatch: () => batch?.close(),
    finish(reason: StopReason, outputTokens: number) {
      sendRole();
      chunk({}, finishReason(reason));
      if (includeUsage) {
        channel.sse(
          null,
          JSON.stringify({ id, object: "chat.completion.chunk", created, model: options.model, choices: [], usage: openAiUsage(inputTokensOf(options), outputTokens) }),
        );
      }
      channel.sse(null, "[DONE]");
    },
    failInStream(error: RelayError) {
      channel.sse(null, JSON.stringify(openAiErrorBody(error)));
    },
    keepAlive() {
      if (!roleSent) sendRole();
      else chunk({});
    },
  };
  return createStreamSink(channel, writer, { body: openAiErrorBody, headers: openAiErrorHeaders });
}
