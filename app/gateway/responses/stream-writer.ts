// A turn rendered as Responses API server-sent events, each `event: <type>` with a JSON
// body carrying the same `type` and a `sequence_number` counting from 0:
//   response.created, response.in_progress, then per output item
//   response.output_item.added … response.output_item.done, with inside
//   - a message: content_part.added, output_text.delta…, output_text.done, content_part.done
//   - Cursor's thinking (when reasoning.summary was asked for): a reasoning item with
//     reasoning_summary_part.added, reasoning_summary_text.delta…/done, reasoning_summary_part.done
//   - a tool call: function_call_arguments.delta/done (custom_tool_call_input.* for freeform tools)
//   and last response.completed (response.incomplete when the output limit cut it) with usage.
//
// As in the other writers, nothing is sent before the first content or ping, so an early
// failure is still a real HTTP status in OpenAI's error format; a later one is a
// response.failed event. The first ping opens the stream with response.created and
// response.in_progress; later pings repeat response.in_progress (an event every client
// accepts and that changes nothing).
//
// With options.coalesce, bursts of small text/thinking deltas are batched into fewer
// delta events (delta-coalescer.ts), flushed before anything that must follow them.
import { systemClock } from "../../base/clock.ts";
import type { RelayError } from "../../base/errors.ts";
import type { ToolCallRequest } from "../../cursor/types.ts";
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { inputTokensOf } from "../sink-options.ts";
import { openAiErrorBody, openAiErrors } from "../openai/errors.ts";
import {
  finalStatus,
  messageItem,
  newItemId,
  reasoningItem,
  responseObject,
  responsesUsage,
  toolCallItem,
  toolCallText,
  type OutputItem,
  type ResponsesSinkOptions,
  type ResponseState,
} from "./response-object.ts";

type DeltaKind = "text" | "reasoning";

interface OpenItem {
  kind: DeltaKind;
  id: string;
  index: number;
  text: string;
}

/** One Response being streamed. */
interface ResponseStream {
  readonly channel: ResponseChannel;
  readonly options: ResponsesSinkOptions;
  readonly state: ResponseState;
  sequence: number;
  opened: boolean;
  contentStarted: boolean;
  open: OpenItem | null;
}

function emit(s: ResponseStream, type: string, fields: Record<string, unknown>): void {
  s.channel.sse(type, JSON.stringify({ type, sequence_number: s.sequence++, ...fields }));
}

function openStream(s: ResponseStream): void {
  if (s.opened) return;
  s.opened = true;
  const response = responseObject(s.options, s.state);
  emit(s, "response.created", { response });
  emit(s, "response.in_progress", { response });
}

function addItem(s: ResponseStream, item: OutputItem): number {
  openStream(s);
  s.contentStarted = true;
  const index = s.state.output.length;
  s.state.output.push(item);
  emit(s, "response.output_item.added", { output_index: index, item });
  return index;
}

function finishItem(s: ResponseStream, index: number, item: OutputItem): void {
  s.state.output[index] = item;
  emit(s, "response.output_item.done", { output_index: index, item });
}

function openItem(s: ResponseStream, kind: DeltaKind): OpenItem {
  closeOpen(s);
  const id = newItemId(kind === "text" ? "msg" : "rs");
  const index = addItem(s, kind === "text" ? messageItem(id, "", "in_progress") : reasoningItem(id, null));
  if (kind === "text") {
    emit(s, "response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } });
  } else {
    emit(s, "response.reasoning_summary_part.added", { item_id: id, output_index: index, summary_index: 0, part: { type: "summary_text", text: "" } });
  }
  return (s.open = { kind, id, index, text: "" });
}

function closeOpen(s: ResponseStream): void {
  const item = s.open;
  if (!item) return;
  s.open = null;
  const { id, index, text } = item;
  if (item.kind === "text") {
    emit(s, "response.output_text.done", { item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
    emit(s, "response.content_part.done", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text, annotations: [], logprobs: [] } });
    finishItem(s, index, messageItem(id, text, "completed"));
  } else {
    emit(s, "response.reasoning_summary_text.done", { item_id: id, output_index: index, summary_index: 0, text });
    emit(s, "response.reasoning_summary_part.done", { item_id: id, output_index: index, summary_index: 0, part: { type: "summary_text", text } });
    finishItem(s, index, reasoningItem(id, text));
  }
}

function appendDelta(s: ResponseStream, kind: DeltaKind, delta: string): void {
  const item = s.open?.kind === kind ? s.open : openItem(s, kind);
  item.text += delta;
  if (kind === "text") emit(s, "response.output_text.delta", { item_id: item.id, output_index: item.index, content_index: 0, delta, logprobs: [] });
  else emit(s, "response.reasoning_summary_text.delta", { item_id: item.id, output_index: item.index, summary_index: 0, delta });
}

/** A tool call item: added in progress, its whole input as one delta, then done. */
function toolCall(s: ResponseStream, call: ToolCallRequest): void {
  const item = toolCallItem(call, s.options.toolNames);
  closeOpen(s);
  const custom = item.type === "custom_tool_call";
  const text = toolCallText(item);
  const index = addItem(s, custom ? { ...item, input: "", status: "in_progress" } : { ...item, arguments: "", status: "in_progress" });
  const prefix = custom ? "response.custom_tool_call_input" : "response.function_call_arguments";
  emit(s, `${prefix}.delta`, { item_id: item.id, output_index: index, delta: text });
  emit(s, `${prefix}.done`, custom ? { item_id: item.id, output_index: index, input: text } : { item_id: item.id, output_index: index, name: item.name, arguments: text });
  finishItem(s, index, item);
}

function finish(s: ResponseStream, reason: StopReason, outputTokens: number): void {
  openStream(s);
  closeOpen(s);
  s.state.status = finalStatus(reason);
  s.state.usage = responsesUsage(inputTokensOf(s.options), outputTokens);
  emit(s, s.state.status === "incomplete" ? "response.incomplete" : "response.completed", { response: responseObject(s.options, s.state) });
}

function failInStream(s: ResponseStream, error: RelayError, outputTokens: number): void {
  const body = openAiErrorBody(error).error;
  s.state.status = "failed";
  s.state.error = { code: body.code, message: body.message };
  s.state.usage = responsesUsage(inputTokensOf(s.options), outputTokens);
  emit(s, "response.failed", { response: responseObject(s.options, s.state) });
}

/** The first ping opens the stream; later ones repeat response.in_progress. */
function keepAlive(s: ResponseStream): void {
  if (!s.opened) openStream(s);
  else emit(s, "response.in_progress", { response: responseObject(s.options, s.state) });
}

function newResponseStream(channel: ResponseChannel, options: ResponsesSinkOptions): ResponseStream {
  const createdAt = Math.floor((options.clock ?? systemClock).now() / 1000);
  const state: ResponseState = { id: options.messageId ?? newItemId("resp"), createdAt, status: "in_progress", output: [], usage: null };
  return { channel, options, state, sequence: 0, opened: false, contentStarted: false, open: null };
}

export function createResponsesStreamSink(channel: ResponseChannel, options: ResponsesSinkOptions): TurnSink {
  const s = newResponseStream(channel, options);
  const writer: StreamWriter = {
    get contentStarted() {
      return s.contentStarted;
    },
    delta: (kind, t) => appendDelta(s, kind === "text" ? "text" : "reasoning", t),
    thinkingDone() {
      if (s.open?.kind === "reasoning") closeOpen(s);
    },
    toolCall: (call) => toolCall(s, call),
    finish: (reason, outputTokens) => finish(s, reason, outputTokens),
    failInStream: (error, outputTokens) => failInStream(s, error, outputTokens),
    keepAlive: () => keepAlive(s),
  };
  return createStreamSink(channel, options, writer, openAiErrors);
}
