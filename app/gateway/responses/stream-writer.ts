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
import type { ResponseChannel } from "../http/channel.ts";
import type { StopReason, TurnSink } from "../../sessions/turn-sink.ts";
import type { ContentEvent } from "../json-sink.ts";
import { createStreamSink, type StreamWriter } from "../stream-sink.ts";
import { createDeltaCoalescer } from "../delta-coalescer.ts";
import { inputTokensOf } from "../sink-options.ts";
import { openAiErrorBody, openAiErrorHeaders } from "../openai/errors.ts";
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

export function createResponsesStreamSink(channel: ResponseChannel, options: ResponsesSinkOptions): TurnSink {
  const clock = options.clock ?? systemClock;
  const state: ResponseState = {
    id: options.messageId ?? newItemId("resp"),
    createdAt: Math.floor(clock.now() / 1000),
    status: "in_progress",
    output: [],
    usage: null,
  };
  let sequence = 0;
  let opened = false;
  let contentStarted = false;
  let open: OpenItem | null = null;

  function emit(type: string, fields: Record<string, unknown>) {
    channel.sse(type, JSON.stringify({ type, sequence_number: sequence++, ...fields }));
  }

  function openStream() {
    if (opened) return;
    opened = true;
    const response = responseObject(options, state);
    emit("response.created", { response });
    emit("response.in_progress", { response });
  }

  function addItem(item: OutputItem): number {
    openStream();
    contentStarted = true;
    const index = state.output.length;
    state.output.push(item);
    emit("response.output_item.added", { output_index: index, item });
    return index;
  }

  function finishItem(index: number, item: OutputItem) {
    state.output[index] = item;
    emit("response.output_item.done", { output_index: index, item });
  }

  function openItem(kind: DeltaKind): OpenItem {
    closeOpen();
    const id = newItemId(kind === "text" ? "msg" : "rs");
    const index = addItem(kind === "text" ? messageItem(id, "", "in_progress") : reasoningItem(id, null));
    if (kind === "text") {
      emit("response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text: "", annotations: [], logprobs: [] } });
    } else {
      emit("response.reasoning_summary_part.added", { item_id: id, output_index: index, summary_index: 0, part: { type: "summary_text", text: "" } });
    }
    return (open = { kind, id, index, text: "" });
  }

  function closeOpen() {
    const item = open;
    if (!item) return;
    open = null;
    const { id, index, text } = item;
    if (item.kind === "text") {
      emit("response.output_text.done", { item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
      emit("response.content_part.done", { item_id: id, output_index: index, content_index: 0, part: { type: "output_text", text, annotations: [], logprobs: [] } });
      finishItem(index, messageItem(id, text, "completed"));
    } else {
      emit("response.reasoning_summary_text.done", { item_id: id, output_index: index, summary_index: 0, text });
      emit("response.reasoning_summary_part.done", { item_id: id, output_index: index, summary_index: 0, part: { type: "summary_text", text } });
      finishItem(index, reasoningItem(id, text));
    }
  }

  function appendDelta(kind: DeltaKind, delta: string) {
    const item = open?.kind === kind ? open : openItem(kind);
    item.text += delta;
    if (kind === "text") emit("response.output_text.delta", { item_id: item.id, output_index: item.index, content_index: 0, delta, logprobs: [] });
    else emit("response.reasoning_summary_text.delta", { item_id: item.id, output_index: item.index, summary_index: 0, delta });
  }

  function toolCall(item: OutputItem) {
    closeOpen();
    const custom = item.type === "custom_tool_call";
    const text = toolCallText(item);
    const index = addItem(custom ? { ...item, input: "", status: "in_progress" } : { ...item, arguments: "", status: "in_progress" });
    const prefix = custom ? "response.custom_tool_call_input" : "response.function_call_arguments";
    emit(`${prefix}.delta`, { item_id: item.id, output_index: index, delta: text });
    emit(`${prefix}.done`, custom ? { item_id: item.id, output_index: index, input: text } : { item_id: item.id, output_index: index, name: item.name, arguments: text });
    finishItem(index, item);
  }

  const batch = options.coalesce ? createDeltaCoalescer<DeltaKind>(appendDelta, clock, options.coalesce) : null;
  const delta = (kind: DeltaKind, t: string) => (batch ? batch.add(kind, t) : appendDelta(kind, t));
  const flush = () => batch?.flush();

  const writer: StreamWriter = {
    get contentStarted() {
      return contentStarted;
    },
    collect(event: ContentEvent) {
      switch (event.type) {
        case "text":
          if (event.text !== "") delta("text", event.text);
          break;
        case "thinking":
          if (event.text !== "" && options.showThinking) delta("reasoning", event.text);
          break;
        case "thinking_done":
          flush();
          if (open?.kind === "reasoning") closeOpen();
          break;
        case "tool_call":
          flush();
          toolCall(toolCallItem(event.call, options.toolNames));
          break;
      }
    },
    flush,
    closeBatch: () => batch?.close(),
    finish(reason: StopReason, outputTokens: number) {
      openStream();
      closeOpen();
      state.status = finalStatus(reason);
      state.usage = responsesUsage(inputTokensOf(options), outputTokens);
      emit(state.status === "incomplete" ? "response.incomplete" : "response.completed", { response: responseObject(options, state) });
    },
    failInStream(error: RelayError, outputTokens: number) {
      const body = openAiErrorBody(error).error;
      state.status = "failed";
      state.error = { code: body.code, message: body.message };
      state.usage = responsesUsage(inputTokensOf(options), outputTokens);
      emit("response.failed", { response: responseObject(options, state) });
    },
    keepAlive() {
      if (!opened) openStream();
      else emit("response.in_progress", { response: responseObject(options, state) });
    },
  };
  return createStreamSink(channel, writer, { body: openAiErrorBody, headers: openAiErrorHeaders });
}
