// The OpenAI SDK (node_modules/openai) parses our bytes: its SSE decoder, its
// ChatCompletionStream accumulator and its error handling must see what we meant.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { RelayError } from "../../../app/base/errors.ts";
import { createOpenAiStreamSink } from "../../../app/gateway/openai/stream-writer.ts";
import { createOpenAiJsonSink } from "../../../app/gateway/openai/json-writer.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { cannedFrom, openAiClient, renderTurn } from "./sdk-harness.ts";
import { toolCallEvent } from "./tool-call.ts";

const clock = new ManualClock();
const OPTIONS = { model: "gpt-5", inputTokens: 77, showThinking: true, messageId: "chatcmpl-sdk", clock };
const PARAMS = { model: "gpt-5", messages: [{ role: "user" as const, content: "hi" }] };
const RAW_ID = "call-9\nfc_x";
const UNICODE = ["Привет ", "🧑🏽‍", "🚀", " 中文", " a\u0308"];

function fullTurn(sink: TurnSink) {
  sink.ping();
  sink.ping(); // the second ping: an empty-delta chunk / a second ping event
  sink.handle({ type: "thinking", text: "reason " });
  sink.handle({ type: "thinking", text: "more" });
  for (const t of UNICODE) sink.handle({ type: "text", text: t });
  sink.handle(toolCallEvent(RAW_ID, "lookup", '{"q":"ü","n":[1,2]}'));
  sink.handle(toolCallEvent("second", "noop", "{}"));
  sink.handle({ type: "tokens", tokens: 20 });
  sink.end("tool_use");
}

const expectedToolCalls = [
  { id: toClientToolId(RAW_ID), type: "function", function: { name: "lookup", arguments: '{"q":"ü","n":[1,2]}' } },
  { id: toClientToolId("second"), type: "function", function: { name: "noop", arguments: "{}" } },
];

for (const chunkSize of [1, 7, 4096]) {
  test(`streaming: ChatCompletionStream's final completion has our content, tool calls, finish_reason, usage (${chunkSize}-byte chunks)`, async () => {
    const ch = renderTurn((c) => createOpenAiStreamSink(c, { ...OPTIONS, includeUsage: true }), fullTurn);
    const stream = openAiClient(cannedFrom(ch), chunkSize).chat.completions.stream({ ...PARAMS, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    assert.equal(final.id, "chatcmpl-sdk");
    assert.equal(final.model, "gpt-5");
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.role, "assistant");
    assert.equal(choice.message.content, UNICODE.join(""));
    assert.deepEqual(
      choice.message.tool_calls?.map((c) => ({ id: c.id, type: c.type, function: c.type === "function" ? { name: c.function.name, arguments: c.function.arguments } : null })),
      expectedToolCalls,
    );
    assert.deepEqual(final.usage, { prompt_tokens: 77, completion_tokens: 20, total_tokens: 97 });
  });
}

test("streaming: the raw chunks carry reasoning_content in order (the SDK passes the unknown field through)", async () => {
  const ch = renderTurn((c) => createOpenAiStreamSink(c, OPTIONS), fullTurn);
  const stream = await openAiClient(cannedFrom(ch), 5).chat.completions.create({ ...PARAMS, stream: true });
  let reasoning = "";
  let content = "";
  let finish: string | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (!choice) continue;
    reasoning += (choice.delta as { reasoning_content?: string }).reasoning_content ?? "";
    content += choice.delta.content ?? "";
    finish = choice.finish_reason ?? finish;
  }
  assert.equal(reasoning, "reason more");
  assert.equal(content, UNICODE.join(""));
  assert.equal(finish, "tool_calls");
});

test("non-streaming: the SDK returns our chat.completion", async () => {
  const ch = renderTurn((c) => createOpenAiJsonSink(c, OPTIONS), fullTurn);
  const completion = await openAiClient(cannedFrom(ch)).chat.completions.create(PARAMS);
  const message = completion.choices[0]!.message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
  assert.equal(message.content, UNICODE.join(""));
  assert.equal(message.reasoning_content, "reason more");
  assert.deepEqual(JSON.parse(JSON.stringify(message.tool_calls)), expectedToolCalls);
  assert.equal(completion.choices[0]!.finish_reason, "tool_calls");
  assert.deepEqual(completion.usage, { prompt_tokens: 77, completion_tokens: 20, total_tokens: 97 });
});

test("finish_reason stop and length", async () => {
  for (const [reason, finish] of [
    ["end_turn", "stop"],
    ["max_tokens", "length"],
  ] as const) {
    const ch = renderTurn(
      (c) => createOpenAiStreamSink(c, OPTIONS),
      (s) => {
        s.handle({ type: "text", text: "x" });
        s.end(reason);
      },
    );
    const final = await openAiClient(cannedFrom(ch)).chat.completions.stream(PARAMS).finalChatCompletion();
    assert.equal(final.choices[0]!.finish_reason, finish);
  }
});

test("an error chunk after the stream started makes the SDK throw an APIError with our message", async () => {
  const ch = renderTurn(
    (c) => createOpenAiStreamSink(c, OPTIONS),
    (s) => {
      s.handle({ type: "text", text: "partial" });
      s.fail(new RelayError({ kind: "upstream_error", status: 502, message: "stream reset by Cursor" }));
    },
  );
  const stream = await openAiClient(cannedFrom(ch)).chat.completions.create({ ...PARAMS, stream: true });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })(),
    (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError, String(e));
      assert.match(e.message, /stream reset by Cursor/);
      assert.equal((e.error as { code: string }).code, "upstream_error");
      return true;
    },
  );
  assert.deepEqual(seen, ["", "partial"], "content before the error was delivered");
  // The helper stream rejects too.
  await assert.rejects(openAiClient(cannedFrom(ch)).chat.completions.stream(PARAMS).finalChatCompletion(), OpenAI.APIError);
});

test("an error before the stream started is an HTTP error the SDK classifies (429 with retry-after)", async () => {
  const ch = renderTurn(
    (c) => createOpenAiStreamSink(c, OPTIONS),
    (s) => s.fail(new RelayError({ kind: "rate_limited", status: 429, message: "all accounts are cooling down", retryAfterMs: 9000 })),
  );
  await assert.rejects(openAiClient(cannedFrom(ch)).chat.completions.create({ ...PARAMS, stream: true }), (e: unknown) => {
    assert.ok(e instanceof OpenAI.RateLimitError, String(e));
    assert.equal(e.status, 429);
    assert.equal(e.headers?.get("retry-after"), "9");
    assert.match(e.message, /all accounts are cooling down/);
    return true;
  });
});
