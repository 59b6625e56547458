import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createOpenAiJsonSink } from "../../../app/gateway/openai/json-writer.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import type { ResponseSinkOptions } from "../../../app/gateway/sink-options.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { toolCall } from "./tool-call.ts";

const clock = new ManualClock();

function setup(over: Partial<ResponseSinkOptions> = {}) {
  const ch = createMemoryChannel();
  const sink = createOpenAiJsonSink(ch, { model: "gpt-5", inputTokens: 12, showThinking: true, messageId: "chatcmpl-json", clock, ...over });
  return { ch, sink };
}

test("text + reasoning + tool calls → one chat.completion", () => {
  const { ch, sink } = setup();
  sink.handle({ type: "thinking", text: "plan " });
  sink.handle({ type: "thinking", text: "it" });
  sink.handle({ type: "text", text: "Calling " });
  sink.handle({ type: "text", text: "tools." });
  sink.handle({ type: "tool_call", call: toolCall("a", "f", '{"x":1}') });
  sink.handle({ type: "tool_call", call: toolCall("b", "g", "{}") });
  sink.handle({ type: "tokens", tokens: 6 });
  assert.equal(ch.started, false);
  sink.end("tool_use");
  assert.deepEqual(ch.body, {
    id: "chatcmpl-json",
    object: "chat.completion",
    created: Math.floor(clock.now() / 1000),
    model: "gpt-5",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Calling tools.",
          refusal: null,
          reasoning_content: "plan it",
          tool_calls: [
            { id: toClientToolId("a"), type: "function", function: { name: "f", arguments: '{"x":1}' } },
            { id: toClientToolId("b"), type: "function", function: { name: "g", arguments: "{}" } },
          ],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
  });
});

test("only tool calls → content null; plain text has no tool_calls/reasoning keys; length", () => {
  const a = setup();
  a.sink.handle({ type: "tool_call", call: toolCall("a", "f", "{}") });
  a.sink.end("tool_use");
  assert.equal((a.ch.body as { choices: Array<{ message: { content: unknown } }> }).choices[0]!.message.content, null);

  const b = setup({ showThinking: false });
  b.sink.handle({ type: "thinking", text: "hidden" });
  b.sink.handle({ type: "text", text: "hi" });
  b.sink.end("max_tokens");
  const choice = (b.ch.body as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> }).choices[0]!;
  assert.deepEqual(choice.message, { role: "assistant", content: "hi", refusal: null });
  assert.equal(choice.finish_reason, "length");
});

test("contentStarted follows collected content; fail → the error JSON with status", () => {
  const { ch, sink } = setup();
  assert.equal(sink.contentStarted, false);
  sink.ping();
  sink.handle({ type: "tokens", tokens: 3 });
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "x" });
  assert.equal(sink.contentStarted, true);
  sink.fail(new RelayError({ kind: "upstream_auth", status: 401, message: "Cursor rejected the account token" }));
  assert.equal(ch.status, 401);
  assert.deepEqual(ch.body, { error: { message: "Cursor rejected the account token", type: "authentication_error", param: null, code: "upstream_unauthenticated" } });
});
