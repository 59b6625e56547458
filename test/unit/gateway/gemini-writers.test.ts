// The Gemini stream and JSON writers: chunk shapes, thoughts only when asked, tool calls,
// finishReason + usageMetadata last, JSON mode, and errors before and after the stream started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createGeminiJsonSink } from "../../../app/gateway/gemini/json-writer.ts";
import { extractJsonText } from "../../../app/gateway/gemini/json-text.ts";
import { createGeminiStreamSink } from "../../../app/gateway/gemini/stream-writer.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { toolCall } from "./tool-call.ts";

const OPTIONS = { model: "gemini-2.5-pro", inputTokens: 40, showThinking: true, messageId: "resp-1" };
const call = toolCall("raw\nid", "read_file", '{"path":"a"}');
const quota = new RelayError({ kind: "rate_limited", status: 429, message: "all accounts cooling", retryAfterMs: 3000 });

function drive(sink: TurnSink) {
  sink.handle({ type: "thinking", text: "hmm" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "text", text: "Hi " });
  sink.handle({ type: "text", text: "there" });
  sink.handle({ type: "tool_call", call });
  sink.handle({ type: "tokens", tokens: 7 });
  sink.end("tool_use");
}

test("stream: one chunk per delta, thought parts, a functionCall part, finishReason and usage on the last chunk", () => {
  const ch = createMemoryChannel();
  drive(createGeminiStreamSink(ch, OPTIONS));
  const chunks = ch.events.map((e) => JSON.parse(e.data));
  assert.ok(ch.events.every((e) => e.event === null));
  assert.deepEqual(
    chunks.map((c) => c.candidates[0].content.parts),
    [[{ text: "hmm", thought: true }], [{ text: "Hi " }], [{ text: "there" }], [{ functionCall: { id: toClientToolId("raw\nid"), name: "read_file", args: { path: "a" } } }], []],
  );
  const last = chunks.at(-1);
  assert.equal(last.candidates[0].finishReason, "STOP");
  assert.deepEqual(last.usageMetadata, { promptTokenCount: 40, candidatesTokenCount: 7, totalTokenCount: 47 });
  assert.equal(last.modelVersion, "gemini-2.5-pro");
  assert.equal(last.responseId, "resp-1");
  assert.ok(chunks.slice(0, -1).every((c) => c.candidates[0].finishReason === undefined && c.usageMetadata === undefined));
  assert.ok(ch.ended);
});

test("stream: thoughts dropped without includeThoughts; max_tokens is MAX_TOKENS", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiStreamSink(ch, { ...OPTIONS, showThinking: false });
  sink.handle({ type: "thinking", text: "hidden" });
  sink.handle({ type: "text", text: "x" });
  sink.end("max_tokens");
  const chunks = ch.events.map((e) => JSON.parse(e.data));
  assert.deepEqual(chunks[0].candidates[0].content.parts, [{ text: "x" }]);
  assert.equal(chunks[1].candidates[0].finishReason, "MAX_TOKENS");
});

test("stream: a failure before anything went out is a real status with Google's error body and retry hints", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiStreamSink(ch, OPTIONS);
  assert.equal(sink.contentStarted, false);
  sink.fail(quota);
  assert.equal(ch.status, 429);
  assert.deepEqual(ch.body, { error: { code: 429, message: "all accounts cooling", status: "RESOURCE_EXHAUSTED" } });
  assert.equal(ch.headers["retry-after"], "3");
});

test("stream: a failure after content is an error chunk the SDK raises; nothing after it", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiStreamSink(ch, OPTIONS);
  sink.handle({ type: "text", text: "partial" });
  assert.equal(sink.contentStarted, true);
  sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "down" }));
  sink.handle({ type: "text", text: "late" });
  sink.end("end_turn");
  assert.deepEqual(JSON.parse(ch.events.at(-1)!.data), { error: { code: 503, message: "down", status: "UNAVAILABLE" } });
  assert.equal(ch.events.length, 2);
});

test("stream: a ping starts the stream with a chunk holding no parts", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiStreamSink(ch, OPTIONS);
  sink.ping();
  assert.equal(ch.status, 200);
  assert.deepEqual(JSON.parse(ch.events[0]!.data).candidates[0].content.parts, []);
});

test("stream, JSON mode: text is held back and sent once, cleaned to the JSON value", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiStreamSink(ch, { ...OPTIONS, showThinking: false, jsonOutput: true });
  sink.handle({ type: "text", text: "```json\n{\"a\":" });
  sink.handle({ type: "text", text: " 1}\n```" });
  assert.equal(sink.contentStarted, true);
  assert.equal(ch.events.length, 0);
  sink.end("end_turn");
  assert.deepEqual(JSON.parse(ch.events[0]!.data).candidates[0].content.parts, [{ text: '{"a": 1}' }]);
});

test("json: one response with merged text and thought parts, a functionCall, finishReason, usage", () => {
  const ch = createMemoryChannel();
  drive(createGeminiJsonSink(ch, OPTIONS));
  assert.equal(ch.status, 200);
  assert.deepEqual(ch.body, {
    candidates: [
      {
        content: {
          role: "model",
          parts: [{ text: "hmm", thought: true }, { text: "Hi there" }, { functionCall: { id: toClientToolId("raw\nid"), name: "read_file", args: { path: "a" } } }],
        },
        index: 0,
        finishReason: "STOP",
      },
    ],
    modelVersion: "gemini-2.5-pro",
    responseId: "resp-1",
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 7, totalTokenCount: 47 },
  });
});

test("json: the end of hidden thinking does not split the text around it (only an open thought part closes)", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiJsonSink(ch, { ...OPTIONS, showThinking: false, jsonOutput: true });
  sink.handle({ type: "text", text: '{"msg": "Hello ' });
  sink.handle({ type: "thinking", text: "hidden" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "text", text: 'world"}' });
  sink.end("end_turn");
  assert.deepEqual((ch.body as { candidates: Array<{ content: { parts: unknown[] } }> }).candidates[0]!.content.parts, [{ text: '{"msg": "Hello world"}' }]);
});

test("json: asArray wraps the response (streamGenerateContent without alt=sse); failures keep Google's shape", () => {
  const ch = createMemoryChannel();
  const sink = createGeminiJsonSink(ch, { ...OPTIONS, asArray: true });
  sink.handle({ type: "text", text: "ok" });
  sink.end("end_turn");
  assert.ok(Array.isArray(ch.body));
  const failed = createMemoryChannel();
  createGeminiJsonSink(failed, OPTIONS).fail(new RelayError({ kind: "invalid_request", status: 404, message: "Unknown model" }));
  assert.deepEqual(failed.body, { error: { code: 404, message: "Unknown model", status: "NOT_FOUND" } });
});

test("extractJsonText: plain JSON, a fenced block, JSON inside prose; text without JSON unchanged", () => {
  assert.equal(extractJsonText(' {"a":1} '), '{"a":1}');
  assert.equal(extractJsonText('```json\n{"a":1}\n```'), '{"a":1}');
  assert.equal(extractJsonText('Here you go: {"a":{"b":[1]}} hope it helps'), '{"a":{"b":[1]}}');
  assert.equal(extractJsonText("Sure: [1, 2]"), "[1, 2]");
  assert.equal(extractJsonText("no json here"), "no json here");
});
