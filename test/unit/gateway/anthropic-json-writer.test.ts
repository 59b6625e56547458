import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createAnthropicJsonSink } from "../../../app/gateway/anthropic/json-writer.ts";
import { thinkingSignature } from "../../../app/gateway/anthropic/thinking-signature.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import type { ResponseSinkOptions } from "../../../app/gateway/sink-options.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { toolCall } from "./tool-call.ts";

function setup(over: Partial<ResponseSinkOptions> = {}) {
  const ch = createMemoryChannel();
  const sink = createAnthropicJsonSink(ch, { model: "claude-sonnet-4-5", inputTokens: 50, showThinking: true, messageId: "msg_json", ...over });
  return { ch, sink };
}

test("thinking, text and two tool uses → one Messages response with parsed inputs, signature and usage", () => {
  const { ch, sink } = setup();
  sink.handle({ type: "thinking", text: "think " });
  sink.handle({ type: "thinking", text: "more" });
  sink.handle({ type: "thinking_done", durationMs: 3 });
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "text", text: "I will " });
  sink.handle({ type: "text", text: "look. 漢字👍" });
  sink.handle({ type: "tool_call", call: toolCall("a\nb", "Read", '{"file_path":"/x","limit":5}') });
  sink.handle({ type: "tool_call", call: toolCall("c", "Grep", '{"pattern":"é"}') });
  sink.handle({ type: "tokens", tokens: 7 });
  sink.handle({ type: "tokens", tokens: 8 });
  assert.equal(ch.started, false, "nothing goes out before end()");
  assert.equal(sink.contentStarted, true);
  sink.end("tool_use");
  assert.equal(ch.status, 200);
  assert.deepEqual(ch.body, {
    id: "msg_json",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", thinking: "think more", signature: thinkingSignature("think more") },
      { type: "text", text: "I will look. 漢字👍" },
      { type: "tool_use", id: toClientToolId("a\nb"), name: "Read", input: { file_path: "/x", limit: 5 } },
      { type: "tool_use", id: toClientToolId("c"), name: "Grep", input: { pattern: "é" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 50, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  });
  assert.equal(ch.ended, true);
});

test("text after a tool call starts a new text block; thinking hidden when showThinking is false", () => {
  const { ch, sink } = setup({ showThinking: false });
  sink.handle({ type: "thinking", text: "hidden" });
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "a" });
  sink.handle({ type: "tool_call", call: toolCall("t", "Bash", "{}") });
  sink.handle({ type: "text", text: "b" });
  sink.end("max_tokens");
  const body = ch.body as { content: unknown[]; stop_reason: string };
  assert.deepEqual(body.content, [
    { type: "text", text: "a" },
    { type: "tool_use", id: toClientToolId("t"), name: "Bash", input: {} },
    { type: "text", text: "b" },
  ]);
  assert.equal(body.stop_reason, "max_tokens");
});

test("fail: the error JSON with its status, even after content was collected; ping does nothing", () => {
  const { ch, sink } = setup();
  sink.ping();
  assert.equal(ch.started, false);
  sink.handle({ type: "text", text: "partial" });
  sink.fail(new RelayError({ kind: "upstream_error", status: 502, message: "stream reset" }));
  sink.end("end_turn");
  assert.equal(ch.status, 502);
  assert.deepEqual(ch.body, { type: "error", error: { type: "api_error", message: "stream reset" } });
  assert.deepEqual(ch.headers["retry-after"], undefined);
});
