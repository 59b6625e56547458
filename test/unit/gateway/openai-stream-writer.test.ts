import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createOpenAiStreamSink } from "../../../app/gateway/openai/stream-writer.ts";
import { toClientToolId, fromClientToolId } from "../../../app/sessions/tool-ids.ts";
import type { ResponseSinkOptions } from "../../../app/gateway/sink-options.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { parseSse } from "../../support/sse.ts";
import { toolCall } from "./tool-call.ts";

const clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0, 999));
const CREATED = Math.floor(clock.now() / 1000);

function setup(over: Partial<ResponseSinkOptions> = {}) {
  const ch = createMemoryChannel();
  const sink = createOpenAiStreamSink(ch, { model: "gpt-5", inputTokens: 40, showThinking: true, messageId: "chatcmpl-test", clock, ...over });
  /** data payloads as they came over the wire ("[DONE]" kept as a string). */
  const data = () => parseSse(ch.sseText()).map((e) => (e.data === "[DONE]" ? e.data : JSON.parse(e.data)));
  return { ch, sink, data };
}

const chunk = (delta: object, finish_reason: string | null = null, usage?: null) => ({
  id: "chatcmpl-test",
  object: "chat.completion.chunk",
  created: CREATED,
  model: "gpt-5",
  choices: [{ index: 0, delta, logprobs: null, finish_reason }],
  ...(usage === null ? { usage: null } : {}),
});
const role = { role: "assistant", content: "" };

test("reasoning, then text, then a tool call; finish_reason tool_calls; [DONE]", () => {
  const { ch, sink, data } = setup();
  sink.handle({ type: "thinking", text: "hmm" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "text", text: "Let me run it." });
  sink.handle({ type: "tool_call", call: toolCall("toolu_01", "Bash", '{"command":"ls"}') });
  sink.handle({ type: "tokens", tokens: 9 });
  sink.end("tool_use");
  assert.deepEqual(data(), [
    chunk(role),
    chunk({ reasoning_content: "hmm" }),
    chunk({ content: "Let me run it." }),
    chunk({ tool_calls: [{ index: 0, id: "cursor_call_dG9vbHVfMDE", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } }] }),
    chunk({}, "tool_calls"),
    "[DONE]",
  ]);
  assert.ok(ch.events.every((e) => e.event === null), "OpenAI chunks are unnamed events");
  assert.equal(ch.ended, true);
});

test("two parallel tool calls get index 0 and 1; an id with a newline is reversible", () => {
  const raw = "call-1\nfc_2";
  const { sink, data } = setup();
  sink.handle({ type: "tool_call", call: toolCall(raw, "Read", '{"p":"/a"}') });
  sink.handle({ type: "tool_call", call: toolCall("second", "Read", '{"p":"/b"}') });
  sink.end("tool_use");
  const calls = data()
    .slice(1, 3)
    .map((c) => (c as { choices: Array<{ delta: { tool_calls: unknown[] } }> }).choices[0]!.delta.tool_calls[0]);
  assert.deepEqual(calls, [
    { index: 0, id: toClientToolId(raw), type: "function", function: { name: "Read", arguments: '{"p":"/a"}' } },
    { index: 1, id: toClientToolId("second"), type: "function", function: { name: "Read", arguments: '{"p":"/b"}' } },
  ]);
  assert.equal(fromClientToolId(toClientToolId(raw)), raw);
});

test("include_usage: usage null on every chunk, then a usage chunk with choices: [] before [DONE]", () => {
  const { sink, data } = setup({ includeUsage: true });
  sink.handle({ type: "text", text: "ok" });
  sink.handle({ type: "tokens", tokens: 2 });
  sink.handle({ type: "tokens", tokens: 3 });
  sink.end("end_turn");
  assert.deepEqual(data(), [
    chunk(role, null, null),
    chunk({ content: "ok" }, null, null),
    chunk({}, "stop", null),
    { id: "chatcmpl-test", object: "chat.completion.chunk", created: CREATED, model: "gpt-5", choices: [], usage: { prompt_tokens: 40, completion_tokens: 5, total_tokens: 45 } },
    "[DONE]",
  ]);
});

test("max_tokens → finish_reason length; empty deltas send nothing; reasoning hidden when showThinking is false", () => {
  const { sink, data } = setup({ showThinking: false });
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "thinking", text: "hidden" });
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "cut" });
  sink.end("max_tokens");
  assert.deepEqual(data(), [chunk(role), chunk({ content: "cut" }), chunk({}, "length"), "[DONE]"]);
});

test("unicode split across deltas is passed through exactly", () => {
  const parts = ["🧑🏽‍", "🚀", " 中文", "かな", " a\u0308", "\u0301"];
  const { sink, data } = setup();
  for (const p of parts) sink.handle({ type: "text", text: p });
  sink.end("end_turn");
  const text = data()
    .slice(1, -2)
    .map((c) => (c as { choices: Array<{ delta: { content: string } }> }).choices[0]!.delta.content)
    .join("");
  assert.equal(text, parts.join(""));
});

test("ping: the role chunk first (lazily), then empty-delta chunks; pings are not content", () => {
  const { ch, sink, data } = setup();
  assert.equal(ch.started, false);
  sink.ping();
  sink.ping();
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "x" });
  assert.equal(sink.contentStarted, true);
  sink.end("end_turn");
  assert.deepEqual(data(), [chunk(role), chunk({}), chunk({ content: "x" }), chunk({}, "stop"), "[DONE]"]);
});

test("fail before start: the OpenAI error JSON with status and retry headers", () => {
  const { ch, sink } = setup();
  sink.fail(new RelayError({ kind: "rate_limited", status: 429, message: "all accounts cooling down", retryAfterMs: 61_000 }));
  assert.equal(ch.status, 429);
  assert.deepEqual(ch.body, { error: { message: "all accounts cooling down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } });
  assert.equal(ch.headers["retry-after"], "61");
  assert.equal(ch.headers["retry-after-ms"], "61000");
  assert.equal(ch.ended, true);
});

test("fail after start: an error data chunk, no finish chunk and no [DONE]", () => {
  const { ch, sink, data } = setup();
  sink.handle({ type: "text", text: "par" });
  sink.fail(new RelayError({ kind: "upstream_error", status: 502, message: "stream reset by Cursor" }));
  sink.end("end_turn");
  assert.deepEqual(data(), [
    chunk(role),
    chunk({ content: "par" }),
    { error: { message: "stream reset by Cursor", type: "server_error", param: null, code: "upstream_error" } },
  ]);
  assert.equal(ch.ended, true);
});

test("created comes from the injected clock; a random id when none is given", () => {
  const a = setup({ messageId: undefined });
  const b = setup({ messageId: undefined });
  a.sink.end("end_turn");
  b.sink.end("end_turn");
  const first = a.data()[0] as { id: string; created: number };
  assert.equal(first.created, CREATED);
  assert.match(first.id, /^chatcmpl-/);
  assert.notEqual(first.id, (b.data()[0] as { id: string }).id);
});
