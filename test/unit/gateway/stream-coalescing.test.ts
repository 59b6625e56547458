// The stream writers with delta coalescing on (as the gateway runs them): the same
// content as without, in fewer events, and nothing reordered around tool calls, thinking
// boundaries, pings or the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createAnthropicStreamSink } from "../../../app/gateway/anthropic/stream-writer.ts";
import { createOpenAiStreamSink } from "../../../app/gateway/openai/stream-writer.ts";
import type { ResponseSinkOptions } from "../../../app/gateway/sink-options.ts";
import type { SinkEvent, TurnSink } from "../../../app/sessions/turn-sink.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { parseSse } from "../../support/sse.ts";

const call = { execId: 1, execIdString: "exec-1", toolCallId: "toolu_1", name: "Bash", argsJson: '{"command":"ls"}' };

function setup(make: (ch: ReturnType<typeof createMemoryChannel>, o: ResponseSinkOptions) => TurnSink) {
  const clock = new ManualClock();
  const ch = createMemoryChannel();
  const sink = make(ch, {
    model: "claude-opus-4-8",
    inputTokens: 10,
    showThinking: true,
    messageId: "msg_test",
    clock,
    coalesce: { maxBytes: 16, maxDelayMs: 16 },
  });
  const data = () => parseSse(ch.sseText()).map((e) => (e.data === "[DONE]" ? "[DONE]" : JSON.parse(e.data)));
  return { clock, ch, sink, data };
}

const anthropicDeltas = (events: any[]) =>
  events.filter((e) => e.type === "content_block_delta").map((e) => e.delta.text ?? e.delta.thinking ?? e.delta.partial_json ?? e.delta.signature);

test("anthropic: a burst of small text deltas becomes the first delta, then batches; the content is unchanged", () => {
  const { clock, sink, data } = setup(createAnthropicStreamSink);
  for (const t of ["He", "llo", ", ", "wor", "ld", "!"]) sink.handle({ type: "text", text: t });
  assert.deepEqual(anthropicDeltas(data()), ["He"], "only the first delta went out at once");
  assert.equal(sink.contentStarted, true);
  clock.advance(16);
  assert.deepEqual(anthropicDeltas(data()), ["He", "llo, world!"]);
  sink.end("end_turn");
  const events = data();
  assert.deepEqual(
    events.map((e) => e.type),
    ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
  );
  assert.equal(clock.pending, 0, "no timer left after the end");
});

test("anthropic: the batch is flushed before a tool call, at thinking_done and at the end — never reordered", () => {
  const { sink, data } = setup(createAnthropicStreamSink);
  const feed: SinkEvent[] = [
    { type: "thinking", text: "th1" },
    { type: "thinking", text: "th2" },
    { type: "thinking_done", durationMs: 5 },
    { type: "text", text: "a" },
    { type: "text", text: "b" },
    { type: "tool_call", call },
    { type: "text", text: "c" },
    { type: "text", text: "d" },
  ];
  for (const e of feed) sink.handle(e);
  sink.end("tool_use");
  const events = data();
  const blocks = events.filter((e) => e.type === "content_block_start").map((e) => e.content_block.type);
  assert.deepEqual(blocks, ["thinking", "text", "tool_use", "text"]);
  const thinking = events.filter((e) => e.delta?.type === "thinking_delta").map((e) => e.delta.thinking);
  assert.equal(thinking.join(""), "th1th2");
  const text = events.filter((e) => e.delta?.type === "text_delta").map((e) => [e.index, e.delta.text]);
  assert.deepEqual(
    text.reduce<Record<number, string>>((acc, [i, t]) => ({ ...acc, [i]: (acc[i] ?? "") + t }), {}),
    { 1: "ab", 3: "cd" },
  );
  assert.equal(events.at(-2).delta.stop_reason, "tool_use");
});

test("anthropic: a failure after content flushes the batch, then the error event", () => {
  const { sink, data } = setup(createAnthropicStreamSink);
  sink.handle({ type: "text", text: "partial " });
  sink.handle({ type: "text", text: "answer" });
  sink.fail(new RelayError({ kind: "upstream_error", status: 502, message: "boom" }));
  const events = data();
  assert.equal(anthropicDeltas(events).join(""), "partial answer");
  assert.equal(events.at(-1).type, "error");
});

test("openai: batched content chunks, flushed before the tool call chunk and before finish", () => {
  const { clock, sink, data } = setup(createOpenAiStreamSink);
  for (const t of ["a", "b", "c"]) sink.handle({ type: "text", text: t });
  sink.handle({ type: "thinking", text: "r1" });
  sink.handle({ type: "thinking", text: "r2" });
  sink.handle({ type: "tool_call", call });
  sink.handle({ type: "text", text: "d" });
  sink.handle({ type: "text", text: "e" });
  clock.advance(16);
  sink.handle({ type: "text", text: "f" });
  sink.end("tool_use");
  const chunks = data();
  const deltas = chunks.filter((c) => c !== "[DONE]").map((c) => c.choices[0]?.delta);
  assert.deepEqual(deltas, [
    { role: "assistant", content: "" },
    { content: "a" },
    { content: "bc" },
    { reasoning_content: "r1r2" },
    {
      tool_calls: [{ index: 0, id: deltas[4].tool_calls[0].id, type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } }],
    },
    { content: "de" },
    { content: "f" },
    {},
  ]);
  assert.equal(chunks.at(-1), "[DONE]");
  assert.equal(clock.pending, 0);
});
