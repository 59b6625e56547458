// A turn rendered as Gemini's streamGenerateContent?alt=sse: one `data:` event per
// GenerateContentResponse chunk. Text goes out as `{text}` parts, Cursor's thinking as
// `{text, thought: true}` parts (only when thinkingConfig.includeThoughts asked for
// them), each tool call as one `{functionCall:{id,name,args}}` part; the last chunk has
// finishReason and usageMetadata.
//
// Like the other writers, nothing is sent before the first content or ping, so a turn
// that fails early still gets a real HTTP status and Google's error body. A failure
// after that is a `data: {"error":{code,message,status}}` event, which the Gemini SDK
// raises as an ApiError. A ping is a chunk with no parts (Gemini has no keep-alive
// event; clients skip chunks without content).
//
// In JSON mode (responseMimeType application/json) the text is held back and sent once,
// cleaned to the JSON value, at the end: a half-sent fence cannot be taken back.
import { systemClock } from "../../base/clock.ts";
import type { RelayError } from "../../base/errors.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import type { ContentEvent } from "../json-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { createDeltaCoalescer } from "../delta-coalescer.ts";
import type { ResponseChannel } from "../http/channel.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { geminiErrorBody, geminiErrorHeaders } from "./errors.ts";
import { extractJsonText } from "./json-text.ts";
import { functionCallPart, geminiResponse, newResponseId, type GeminiPart } from "./response.ts";
import { geminiFinishReason, geminiUsage } from "./usage.ts";

export interface GeminiSinkOptions extends ResponseSinkOptions {
  /** responseMimeType application/json: the answer's text is cleaned to one JSON value. */
  jsonOutput?: boolean;
}

export function createGeminiStreamSink(channel: ResponseChannel, options: GeminiSinkOptions): TurnSink {
  const meta = { model: options.model, responseId: options.messageId ?? newResponseId() };
  let contentStarted = false;
  let heldText = "";

  const send = (parts: GeminiPart[], finish?: { reason: string; outputTokens: number }) =>
    channel.sse(
      null,
      JSON.stringify(geminiResponse(parts, meta, finish?.reason, finish === undefined ? undefined : geminiUsage(inputTokensOf(options), finish.outputTokens))),
    );

  function content(part: GeminiPart) {
    contentStarted = true;
    send([part]);
  }

  const batch = options.coalesce
    ? createDeltaCoalescer<"text" | "thought">((kind, t) => content(kind === "text" ? { text: t } : { text: t, thought: true }), options.clock ?? systemClock, options.coalesce)
    : null;
  const flush = () => batch?.flush();
  const delta = (kind: "text" | "thought", t: string) => {
    if (batch) batch.add(kind, t);
    else content(kind === "text" ? { text: t } : { text: t, thought: true });
  };

  const writer: StreamWriter = {
    get contentStarted() {
      return contentStarted || heldText !== "";
    },
    collect(event: ContentEvent) {
      switch (event.type) {
        case "text":
          if (event.text === "") break;
          if (options.jsonOutput) heldText += event.text;
          else delta("text", event.text);
          break;
        case "thinking":
          if (event.text !== "" && options.showThinking) delta("thought", event.text);
          break;
        case "thinking_done":
          break;
        case "tool_call":
          flush();
          content(functionCallPart(event.call));
          break;
      }
    },
    flush,
    closeBatch: () => batch?.close(),
    finish(reason: StopReason, outputTokens: number) {
      const last: GeminiPart[] = heldText === "" ? [] : [{ text: extractJsonText(heldText) }];
      send(last, { reason: geminiFinishReason(reason), outputTokens });
    },
    failInStream(error: RelayError) {
      channel.sse(null, JSON.stringify(geminiErrorBody(error)));
    },
    keepAlive() {
      send([]);
    },
  };
  return createStreamSink(channel, writer, { body: geminiErrorBody, headers: geminiErrorHeaders });
}
