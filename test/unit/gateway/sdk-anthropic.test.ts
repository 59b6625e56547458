// The Anthropic SDK (node_modules/@anthropic-ai/sdk) parses our bytes: its SSE decoder and
// MessageStream accumulator must rebuild exactly the message we meant to send.
import { test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { RelayError } from "../../../app/base/errors.ts";
import { createAnthropicStreamSink } from "../../../app/gateway/anthropic/stream-writer.ts";
import { createAnthropicJsonSink } from "../../../app/gateway/anthropic/json-writer.ts";
import { thinkingSignature } from "../../../app/gateway/anthropic/thinking-signature.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { anthropicClient, cannedFrom, renderTurn } from "./sdk-harness.ts";
import { toolCallEvent } from "./tool-call.ts";

const OPTIONS = { model: "claude-opus-4-8", inputTokens: 1234, showThinking: true, messageId: "msg_sdk" };
const PARAMS = { model: "claude-opus-4-8", max_tokens: 1024, messages: [{ role: "user" as const, content: "hi" }] };
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const UNICODE = ["Grüße ", "👩", "\u200d💻", " 漢", "字", " e\u0301", " 🇯", "🇵"];
const RAW_ID = "call-1\nfc_2 with space";

function fullTurn(sink: TurnSink) {
  sink.ping();
  sink.ping(); // the second ping: an empty-delta chunk / a second ping event
  sink.handle({ type: "thinking", text: "Let me " });
  sink.handle({ type: "thinking", text: "think… 🤔" });
  sink.handle({ type: "thinking_done", durationMs: 10 });
  for (const t of UNICODE) sink.handle({ type: "text", text: t });
  sink.handle({ type: "text", text: "" });
  sink.handle(toolCallEvent(RAW_ID, "Bash", '{"command":"echo \\"hi\\" | wc -c","nested":{"a":[1,2,{"b":"ü"}]}}'));
  sink.handle(toolCallEvent("toolu_2", "Read", '{"file_path":"/tmp/x"}'));
  sink.handle({ type: "tokens", tokens: 30 });
  sink.handle({ type: "tokens", tokens: 12 });
  sink.end("tool_use");
}

const expectedMessage = {
  id: "msg_sdk",
  type: "message",
  role: "assistant",
  model: "claude-opus-4-8",
  content: [
    { type: "thinking", thinking: "Let me think… 🤔", signature: thinkingSignature("Let me think… 🤔") },
    { type: "text", text: UNICODE.join("") },
    { type: "tool_use", id: toClientToolId(RAW_ID), name: "Bash", input: { command: 'echo "hi" | wc -c', nested: { a: [1, 2, { b: "ü" }] } } },
    { type: "tool_use", id: toClientToolId("toolu_2"), name: "Read", input: { file_path: "/tmp/x" } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  usage: { input_tokens: 1234, output_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
};

for (const chunkSize of [1, 7, 4096]) {
  test(`streaming: the SDK's final message is what we meant (thinking, unicode text, two tool uses, usage; ${chunkSize}-byte chunks)`, async () => {
    const ch = renderTurn((c) => createAnthropicStreamSink(c, OPTIONS), fullTurn);
    const stream = anthropicClient(cannedFrom(ch), chunkSize).messages.stream(PARAMS);
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const { parsed_output, ...final } = plain(await stream.finalMessage()) as { parsed_output?: unknown };
    assert.equal(parsed_output, null, "the SDK's own addition for structured outputs");
    assert.deepEqual(final, expectedMessage);
    assert.deepEqual(texts, UNICODE, "the SDK saw each delta as sent");
  });
}

test("non-streaming: the SDK returns our Messages JSON unchanged", async () => {
  const ch = renderTurn((c) => createAnthropicJsonSink(c, OPTIONS), fullTurn);
  const message = await anthropicClient(cannedFrom(ch)).messages.create(PARAMS);
  assert.deepEqual(plain(message), expectedMessage);
});

test("max_tokens and end_turn stop reasons reach the SDK", async () => {
  for (const reason of ["max_tokens", "end_turn"] as const) {
    const ch = renderTurn(
      (c) => createAnthropicStreamSink(c, OPTIONS),
      (s) => {
        s.handle({ type: "text", text: "cut he" });
        s.handle({ type: "tokens", tokens: 3 });
        s.end(reason);
      },
    );
    const final = await anthropicClient(cannedFrom(ch)).messages.stream(PARAMS).finalMessage();
    assert.equal(final.stop_reason, reason);
    assert.equal(final.usage.output_tokens, 3);
    assert.deepEqual(plain(final.content), [{ type: "text", text: "cut he" }]);
  }
});

test("an error after the stream started makes the SDK throw with our error type and message", async () => {
  const ch = renderTurn(
    (c) => createAnthropicStreamSink(c, OPTIONS),
    (s) => {
      s.handle({ type: "text", text: "partial" });
      s.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "Cursor is unavailable right now" }));
    },
  );
  const stream = anthropicClient(cannedFrom(ch)).messages.stream(PARAMS);
  await assert.rejects(stream.finalMessage(), (e: unknown) => {
    assert.ok(e instanceof Anthropic.APIError, String(e));
    assert.equal((e.error as { error: { type: string } }).error.type, "overloaded_error");
    assert.match(e.message, /Cursor is unavailable right now/);
    return true;
  });
});

test("an error before the stream started is an HTTP error the SDK classifies (429 with retry-after)", async () => {
  const ch = renderTurn(
    (c) => createAnthropicStreamSink(c, OPTIONS),
    (s) => s.fail(new RelayError({ kind: "rate_limited", status: 429, message: "all accounts are cooling down", retryAfterMs: 4000 })),
  );
  await assert.rejects(anthropicClient(cannedFrom(ch)).messages.stream(PARAMS).finalMessage(), (e: unknown) => {
    assert.ok(e instanceof Anthropic.RateLimitError, String(e));
    assert.equal(e.status, 429);
    assert.equal(e.headers?.get("retry-after"), "4");
    assert.equal((e.error as { error: { type: string; message: string } }).error.message, "all accounts are cooling down");
    return true;
  });
});

test("a 400 from the parser reaches the SDK as BadRequestError with the field in the message", async () => {
  const ch = renderTurn(
    (c) => createAnthropicJsonSink(c, OPTIONS),
    (s) => s.fail(new RelayError({ kind: "invalid_request", status: 400, message: 'messages.3.content.0.type: unknown block type "foo"' })),
  );
  await assert.rejects(anthropicClient(cannedFrom(ch)).messages.create(PARAMS), (e: unknown) => {
    assert.ok(e instanceof Anthropic.BadRequestError, String(e));
    assert.match(e.message, /messages\.3\.content\.0\.type/);
    return true;
  });
});
