// One response writer per client format: picks the streaming or JSON writer of the
// client's API and gives it the options that API needs.
import type { ChatRequest } from "../sessions/chat-request.ts";
import type { TurnSink } from "../sessions/turn-sink.ts";
import { createAnthropicJsonSink } from "./anthropic/json-writer.ts";
import { createAnthropicStreamSink } from "./anthropic/stream-writer.ts";
import { DEFAULT_COALESCE, type CoalesceOptions } from "./delta-coalescer.ts";
import { createGeminiJsonSink } from "./gemini/json-writer.ts";
import { createGeminiStreamSink } from "./gemini/stream-writer.ts";
import type { ResponseChannel } from "./http/channel.ts";
import { createOpenAiJsonSink } from "./openai/json-writer.ts";
import { createOpenAiStreamSink } from "./openai/stream-writer.ts";
import { createResponsesJsonSink } from "./responses/json-writer.ts";
import type { ResponsesRequest } from "./responses/parse-request.ts";
import { createResponsesStreamSink } from "./responses/stream-writer.ts";

/** What the writer must know beyond the parsed request, per client format. */
export type SinkFormat =
  | { api: "anthropic" | "openai" }
  | { api: "responses"; responses: ResponsesRequest; responseId: string }
  | { api: "gemini"; /** A stream framed as SSE (?alt=sse), else as one JSON array. */ sse: boolean; jsonOutput: boolean };

export type SinkFactory = (format: SinkFormat, request: ChatRequest, channel: ResponseChannel, inputTokens: () => number) => TurnSink;

/** `coalesce`: batching of small streamed deltas (false = one event per upstream delta). */
export function createSinkFactory(coalesceOption: CoalesceOptions | false | undefined): SinkFactory {
  // Streams batch bursts of small deltas: fewer events and socket writes (docs/protocol.md §10).
  const coalesce = coalesceOption ?? DEFAULT_COALESCE;
  return (format, request, channel, inputTokens) => {
    const common = { model: request.model, inputTokens, showThinking: request.showThinking };
    switch (format.api) {
      case "responses": {
        const { responses, responseId } = format;
        const options = { ...common, messageId: responseId, echo: responses.echo, toolNames: responses.toolNames };
        return request.stream ? createResponsesStreamSink(channel, { ...options, coalesce }) : createResponsesJsonSink(channel, options);
      }
      case "gemini": {
        const options = { ...common, jsonOutput: format.jsonOutput };
        if (request.stream && format.sse) return createGeminiStreamSink(channel, { ...options, coalesce });
        return createGeminiJsonSink(channel, { ...options, asArray: request.stream });
      }
      case "anthropic":
        return request.stream ? createAnthropicStreamSink(channel, { ...common, coalesce }) : createAnthropicJsonSink(channel, common);
      case "openai": {
        const openai = { ...common, includeUsage: request.includeUsage };
        return request.stream ? createOpenAiStreamSink(channel, { ...openai, coalesce }) : createOpenAiJsonSink(channel, openai);
      }
    }
  };
}
