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
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { toClientToolId } from "../../sessions/tool-ids.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { toolArguments } from "../tool-arguments.ts";
import { openAiErrorBody, openAiErrors } from "./errors.ts";
import { finishReason, openAiUsage } from "./finish.ts";

export const newCompletionId = (): string => `chatcmpl-relay${randomBytes(12).toString("base64url")}`;

/** One chat.completion.chunk stream. */
interface ChunkStream {
  readonly channel: ResponseChannel;
  readonly options: ResponseSinkOptions;
  readonly id: string;
  readonly created: number;
  readonly includeUsage: boolean;
  roleSent: boolean;
  contentStarted: boolean;
  toolIndex: number;
}

function chunk(s: ChunkStream, delta: Record<string, unknown>, finish: string | null = null): void {
  const body: Record<string, unknown> = {
    id: s.id,
    object: "chat.completion.chunk",
    created: s.created,
    model: s.options.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (s.includeUsage) body.usage = null; // the API's shape: null on every chunk but the usage one
  s.channel.sse(null, JSON.stringify(body));
}

function sendRole(s: ChunkStream): void {
  if (s.roleSent) return;
  s.roleSent = true;
  chunk(s, { role: "assistant", content: "" });
}

function content(s: ChunkStream, delta: Record<string, unknown>): void {
  sendRole(s);
  s.contentStarted = true;
  chunk(s, delta);
}

/** Each tool call is one chunk with its whole arguments. */
function toolCall(s: ChunkStream, call: ToolCallRequest): void {
  const fn = { name: call.name, arguments: toolArguments(call.argsJson).json };
  content(s, { tool_calls: [{ index: s.toolIndex++, id: toClientToolId(call.toolCallId), type: "function", function: fn }] });
}

function finish(s: ChunkStream, reason: StopReason, outputTokens: number): void {
  sendRole(s);
  chunk(s, {}, finishReason(reason));
  if (s.includeUsage) {
    const usage = openAiUsage(inputTokensOf(s.options), outputTokens);
    s.channel.sse(null, JSON.stringify({ id: s.id, object: "chat.completion.chunk", created: s.created, model: s.options.model, choices: [], usage }));
  }
  s.channel.sse(null, "[DONE]");
}

export function createOpenAiStreamSink(channel: ResponseChannel, options: ResponseSinkOptions): TurnSink {
  const s: ChunkStream = {
    channel,
    options,
    id: options.messageId ?? newCompletionId(),
    created: Math.floor((options.clock ?? systemClock).now() / 1000),
    includeUsage: options.includeUsage === true,
    roleSent: false,
    contentStarted: false,
    toolIndex: 0,
  };
  const writer: StreamWriter = {
    get contentStarted() {
      return s.contentStarted;
    },
    delta: (kind, t) => content(s, kind === "text" ? { content: t } : { reasoning_content: t }),
    toolCall: (call) => toolCall(s, call),
    finish: (reason, outputTokens) => finish(s, reason, outputTokens),
    failInStream: (error) => channel.sse(null, JSON.stringify(openAiErrorBody(error))),
    keepAlive() {
      if (!s.roleSent) sendRole(s);
      else chunk(s, {});
    },
  };
  return createStreamSink(channel, options, writer, openAiErrors);
}
