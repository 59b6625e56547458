import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createResponsesStreamSink } from "../../../app/gateway/responses/stream-writer.ts";
import { createResponsesJsonSink } from "../../../app/gateway/responses/json-writer.ts";
import type { ResponsesSinkOptions } from "../../../app/gateway/responses/response-object.ts";
import type { ClientToolName } from "../../../app/gateway/responses/tools.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { responsesEcho } from "../../support/responses-echo.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { parseSse } from "../../support/sse.ts";
import { toolCall } from "./tool-call.ts";

const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0, 999));
const toolNames = new Map<string, ClientToolName>([
  ["exec_command", { name: "exec_command", custom: false }],
  ["multi_agent_v1__spawn_agent", { name: "spawn_agent", namespace: "multi_agent_v1", custom: false }],
  ["apply_patch", { name: "apply_patch", custom: true }],
]);
const options: ResponsesSinkOptions = {
  model: "gpt-5",
  inputTokens: 40,
  showThinking: true,
  messageId: "resp_test",
  clock,
  toolNames,
  echo: responsesEcho({ promptCacheKey: "pck" }),
};

function streamSetup(over: Partial<ResponsesSinkOptions> = {}) {
  const ch = createMemoryChannel();
  const sink = createResponsesStreamSink(ch, { ...options, ...over });
  const events = (): Array<Record<string, unknown> & { event: string | null; type: string; sequence_number: number }> =>
    parseSse(ch.sseText()).map((e) => ({ event: e.event, ...(JSON.parse(e.data) as { type: string; sequence_number: number }) }));
  return { ch, sink, events };
}

test("stream: reasoning summary, text, a namespaced call and a freeform call, in the SDK's event order", () => {
  const { ch, sink, events } = streamSetup();
  sink.handle({ type: "thinking", text: "hm" });
  sink.handle({ type: "thinking", text: "m" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "text", text: "Running " });
  sink.handle({ type: "text", text: "it." });
  sink.handle({ type: "tool_call", call: toolCall("a", "multi_agent_v1__spawn_agent", '{"message":"x"}') });
  sink.handle({ type: "tool_call", call: toolCall("b", "apply_patch", '{"input":"*** Begin Patch"}') });
  sink.handle({ type: "tokens", tokens: 7 });
  sink.end("tool_use");
  const evs = events();
  assert.deepEqual(
    evs.map((e) => e.type),
    [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.done",
      "response.output_item.done",
      "response.completed",
    ],
  );
  assert.ok(evs.every((e, i) => e.sequence_number === i && e.event === e.type));
  const completed = evs.at(-1)!.response as { id: string; status: string; output: Record<string, unknown>[]; usage: unknown; created_at: number };
  assert.equal(completed.id, "resp_test");
  assert.equal(completed.status, "completed");
  assert.equal(completed.created_at, Math.floor(clock.now() / 1000));
  assert.deepEqual(completed.usage, { input_tokens: 40, input_tokens_details: { cached_tokens: 0 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 47 });
  const [reasoning, message, fn, custom] = completed.output;
  assert.deepEqual(reasoning?.summary, [{ type: "summary_text", text: "hmm" }]);
  assert.deepEqual(message?.content, [{ type: "output_text", text: "Running it.", annotations: [], logprobs: [] }]);
  assert.deepEqual(
    { type: fn?.type, name: fn?.name, namespace: fn?.namespace, call_id: fn?.call_id, arguments: fn?.arguments, status: fn?.status },
    { type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1", call_id: toClientToolId("a"), arguments: '{"message":"x"}', status: "completed" },
  );
  assert.deepEqual(
    { type: custom?.type, name: custom?.name, input: custom?.input, call_id: custom?.call_id },
    { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch", call_id: toClientToolId("b") },
  );
  const added = evs.find((e) => e.type === "response.output_item.added" && (e.item as { type: string }).type === "function_call")!;
  assert.equal((added.item as { arguments: string }).arguments, "", "the added item has no arguments yet");
  assert.equal((added.item as { id: string }).id, fn?.id);
  assert.equal(ch.ended, true);
});

test("stream: thinking is dropped without reasoning.summary; max_tokens ends in response.incomplete", () => {
  const { sink, events } = streamSetup({ showThinking: false });
  sink.handle({ type: "thinking", text: "secret" });
  sink.handle({ type: "text", text: "cut" });
  sink.end("max_tokens");
  const evs = events();
  assert.ok(!evs.some((e) => e.type.startsWith("response.reasoning")));
  const last = evs.at(-1)!;
  assert.equal(last.type, "response.incomplete");
  const response = last.response as { status: string; incomplete_details: unknown };
  assert.equal(response.status, "incomplete");
  assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
});

test("stream: nothing goes out before content, so an early failure keeps its HTTP status", () => {
  const { ch, sink } = streamSetup();
  assert.equal(ch.started, false);
  sink.fail(new RelayError({ kind: "rate_limited", status: 429, message: "slow down", retryAfterMs: 2000 }));
  assert.equal(ch.status, 429);
  assert.deepEqual(ch.body, { error: { message: "slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } });
  assert.equal(ch.headers["retry-after"], "2");
});

test("stream: a failure after content is response.failed with the error and the output so far", () => {
  const { sink, events, ch } = streamSetup();
  sink.handle({ type: "text", text: "partial" });
  sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "gone" }));
  const last = events().at(-1)!;
  assert.equal(last.type, "response.failed");
  const response = last.response as { status: string; error: unknown };
  assert.equal(response.status, "failed");
  assert.deepEqual(response.error, { code: "upstream_unavailable", message: "gone" });
  assert.equal(ch.ended, true);
  sink.handle({ type: "text", text: "late" });
  assert.equal(events().at(-1)!.type, "response.failed", "nothing after the end");
});

test("stream: the first ping opens the stream, later pings repeat in_progress; contentStarted waits for content", () => {
  const { sink, events } = streamSetup();
  sink.ping();
  assert.equal(sink.contentStarted, false);
  sink.ping();
  assert.deepEqual(
    events().map((e) => e.type),
    ["response.created", "response.in_progress", "response.in_progress"],
  );
  sink.handle({ type: "text", text: "x" });
  assert.equal(sink.contentStarted, true);
  sink.end("end_turn");
  assert.equal(events().filter((e) => e.type === "response.created").length, 1);
});

test("json: one Response object with reasoning, message and calls; failures in OpenAI's format", () => {
  const ch = createMemoryChannel();
  const sink = createResponsesJsonSink(ch, options);
  sink.handle({ type: "thinking", text: "hm" });
  sink.handle({ type: "text", text: "ok" });
  sink.handle({ type: "tool_call", call: toolCall("a", "exec_command", '{"cmd":"ls"}') });
  sink.handle({ type: "tokens", tokens: 3 });
  assert.equal(sink.contentStarted, true);
  sink.end("tool_use");
  const body = ch.body as { id: string; object: string; status: string; output: Record<string, unknown>[]; usage: { total_tokens: number }; store: boolean };
  assert.equal(ch.status, 200);
  assert.equal(body.id, "resp_test");
  assert.equal(body.object, "response");
  assert.equal(body.status, "completed");
  assert.equal(body.store, false);
  assert.deepEqual(
    body.output.map((i) => i.type),
    ["reasoning", "message", "function_call"],
  );
  assert.equal(body.output[2]!.arguments, '{"cmd":"ls"}');
  assert.equal(body.usage.total_tokens, 43);

  const failed = createMemoryChannel();
  const failing = createResponsesJsonSink(failed, options);
  failing.fail(new RelayError({ kind: "invalid_request", status: 400, message: "bad" }));
  assert.equal(failed.status, 400);
  assert.deepEqual(failed.body, { error: { message: "bad", type: "invalid_request_error", param: null, code: "invalid_request" } });
});
