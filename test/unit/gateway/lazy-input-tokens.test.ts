// The prompt-token estimate of a 2 MB conversation costs milliseconds: the writers take it
// as a function and call it only when they write usage, after the Run request went out.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createAnthropicStreamSink } from "../../../app/gateway/anthropic/stream-writer.ts";
import { createOpenAiJsonSink } from "../../../app/gateway/openai/json-writer.ts";
import { turnInputFrom } from "../../../app/sessions/turn-input.ts";
import { createMemoryChannel } from "./memory-channel.ts";

test("writers and turn input compute the input estimate only when usage is written", () => {
  let calls = 0;
  const estimate = () => {
    calls++;
    return 42;
  };
  const ch = createMemoryChannel();
  const sink = createAnthropicStreamSink(ch, { model: "m", inputTokens: estimate, showThinking: false });
  assert.equal(calls, 0, "not at construction");
  sink.handle({ type: "text", text: "hi" });
  assert.equal(calls, 1, "message_start carries usage");
  sink.end("end_turn");
  const start = JSON.parse(ch.events.find((e) => e.event === "message_start")!.data) as { message: { usage: { input_tokens: number } } };
  assert.equal(start.message.usage.input_tokens, 42);

  const before = calls;
  const json = createOpenAiJsonSink(createMemoryChannel(), { model: "m", inputTokens: estimate, showThinking: true });
  json.handle({ type: "text", text: "x" });
  assert.equal(calls, before, "the JSON writer waits for the end");
  json.end("end_turn");
  assert.ok(calls > before);

  let turnCalls = 0;
  const input = turnInputFrom(
    { api: "openai", model: "m", stream: true, system: "", transcript: [{ role: "user", text: "hi", images: [] }], tools: [], maxTokens: undefined, sessionId: null, showThinking: true, includeUsage: false },
    { conversationId: "c", inputTokens: () => (++turnCalls, 7) },
  );
  assert.equal(turnCalls, 0);
  assert.equal(input.inputTokens, 7);
  assert.equal(turnCalls, 1);
});
