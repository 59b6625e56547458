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
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import type { ResponseChannel } from "../http/channel.ts";
import { inputTokensOf, type ResponseSinkOptions } from "../sink-options.ts";
import { geminiErrorBody, geminiErrors } from "./errors.ts";
import { extractJsonText } from "./json-text.ts";
import { functionCallPart, geminiResponse, newResponseId, type GeminiPart } from "./response.ts";
import { geminiFinishReason, geminiUsage } from "./usage.ts";

export interface GeminiSinkOptions extends ResponseSinkOptions {
  /** responseMimeType application/json: the answer's text is cleaned to one JSON value. */
  jsonOutput?: boolean;
}

/** One stream of GenerateContentResponse chunks. */
interface ChunkStream {
  readonly channel: ResponseChannel;
  readonly options: GeminiSinkOptions;
  readonly meta: { model: string; responseId: string };
  contentStarted: boolean;
  /** JSON mode: the text so far, sent once at the end. */
  heldText: string;
}

function send(s: ChunkStream, parts: GeminiPart[], finish?: { reason: string; outputTokens: number }): void {
  const usage = finish === undefined ? undefined : geminiUsage(inputTokensOf(s.options), finish.outputTokens);
  s.channel.sse(null, JSON.stringify(geminiResponse(parts, s.meta, finish?.reason, usage)));
}

function content(s: ChunkStream, part: GeminiPart): void {
  s.contentStarted = true;
  send(s, [part]);
}

function finish(s: ChunkStream, reason: StopReason, outputTokens: number): void {
  const last: GeminiPart[] = s.heldText === "" ? [] : [{ text: extractJsonText(s.heldText) }];
  send(s, last, { reason: geminiFinishReason(reason), outputTokens });
}

export function createGeminiStreamSink(channel: ResponseChannel, options: GeminiSinkOptions): TurnSink {
  const meta = { model: options.model, responseId: options.messageId ?? newResponseId() };
  const s: ChunkStream = { channel, options, meta, contentStarted: false, heldText: "" };
  const writer: StreamWriter = {
    get contentStarted() {
      return s.contentStarted || s.heldText !== "";
    },
    delta: (kind, t) => content(s, kind === "text" ? { text: t } : { text: t, thought: true }),
    ...(options.jsonOutput ? { holdText: (t: string) => void (s.heldText += t) } : {}),
    toolCall: (call) => content(s, functionCallPart(call)),
    finish: (reason, outputTokens) => finish(s, reason, outputTokens),
    failInStream: (error) => channel.sse(null, JSON.stringify(geminiErrorBody(error))),
    keepAlive: () => send(s, []),
  };
  return createStreamSink(channel, options, writer, geminiErrors);
}
