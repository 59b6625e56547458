// A turn rendered as one GenerateContentResponse (generateContent), or as a JSON array
// holding it (streamGenerateContent without alt=sse: Gemini then streams a JSON array of
// chunks; one chunk with the whole answer is a valid such array). Text and thoughts are
// merged into one part each, in the order they came; tool calls are one part each. In
// JSON mode the text is cleaned to the JSON value. contentStarted turns true with the
// first collected content, so a later failure is reported rather than retried into a
// duplicate.
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import type { ResponseChannel } from "../http/channel.ts";
import { createJsonSink, type JsonCollector } from "../json-sink.ts";
import { inputTokensOf } from "../sink-options.ts";
import { geminiErrors } from "./errors.ts";
import { extractJsonText } from "./json-text.ts";
import { functionCallPart, geminiResponse, newResponseId, type GeminiPart } from "./response.ts";
import type { GeminiSinkOptions } from "./stream-writer.ts";
import { geminiFinishReason, geminiUsage } from "./usage.ts";

export interface GeminiJsonSinkOptions extends GeminiSinkOptions {
  /** Wrap the response in a JSON array (streamGenerateContent without alt=sse). */
  asArray?: boolean;
}

export function createGeminiJsonSink(channel: ResponseChannel, options: GeminiJsonSinkOptions): TurnSink {
  const parts: GeminiPart[] = [];
  let open: { text: string; thought?: true } | null = null;

  function append(t: string, thought: boolean) {
    if (open !== null && (open.thought === true) === thought) open.text += t;
    else {
      open = thought ? { text: t, thought: true } : { text: t };
      parts.push(open);
    }
  }

  const collector: JsonCollector = {
    get contentStarted() {
      return parts.length > 0;
    },
    showThinking: options.showThinking,
    content: {
      text: (t: string) => append(t, false),
      thinking: (t: string) => append(t, true),
      thinkingDone() {
        if (open?.thought === true) open = null;
      },
      toolCall(call: ToolCallRequest) {
        open = null;
        parts.push(functionCallPart(call));
      },
    },
    body(reason: StopReason, outputTokens: number): unknown {
      if (options.jsonOutput) for (const p of parts) if ("text" in p && p.thought !== true) p.text = extractJsonText(p.text);
      const response = geminiResponse(
        parts,
        { model: options.model, responseId: options.messageId ?? newResponseId() },
        geminiFinishReason(reason),
        geminiUsage(inputTokensOf(options), outputTokens),
      );
      return options.asArray ? [response] : response;
    },
  };
  return createJsonSink(channel, collector, geminiErrors);
}
