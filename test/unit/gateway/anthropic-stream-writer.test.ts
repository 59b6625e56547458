import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import type { ToolCallRequest } from "../../../app/cursor/types.ts";
import { createAnthropicStreamSink } from "../../../app/gateway/anthropic/stream-writer.ts";
import { thinkingSignature } from "../../../app/gateway/anthropic/thinking-signature.ts";
import { fromClientToolId, toClientToolId } from "../../../app/sessions/tool-ids.ts";
import type { ResponseSinkOptions } from "../../../app/gateway/sink-options.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { parseSse } from "../../support/sse.ts";

const call = (toolCallId: string, name: string, argsJson: string, execId = 1): ToolCallRequest => ({
  execId,
  execIdString: `exec-${execId}`,
  toolCallId,
  name,
  argsJson,
});

function setup(over: Partial<ResponseSinkOptions> = {}) {
  const ch = createMemoryChannel();
  const sink = createAnthropicStreamSink(ch, { model: "claude-opus-4-8", inputTokens: 321, showThinking: true, messageId: "msg_test", ...over });
  /** The wire bytes parsed back: [event name, parsed data]. */
  const events = () => parseSse(ch.sseText()).map((e) => [e.event, JSON.parse(e.data)] as const);
  return { ch, sink, events };
}

const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});
const messageStart = (input = 321) =>
  [
    "message_start",
    {
      type: "message_start",
      message: {
        id: "msg_test",
        type: "message",
        role: "assistant",
        model: "claude-opus-4-8",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(input, 0),
      },
    },
  ] as const;
const blockStart = (index: number, content_block: object) => ["content_block_start", { type: "content_block_start", index, content_block }] as const;
const delta = (index: number, d: object) => ["content_block_delta", { type: "content_block_delta", index, delta: d }] as const;
const blockStop = (index: number) => ["content_block_stop", { type: "content_block_stop", index }] as const;
const messageEnd = (stop_reason: string, output: number, input = 321) =>
  [
    ["message_delta", { type: "message_delta", delta: { stop_reason, stop_sequence: null }, usage: usage(input, output) }],
    ["message_stop", { type: "message_stop" }],
  ] as const;

test("thinking, then text, then a tool use in one turn", () => {
  const { ch, sink, events } = setup();
  sink.handle({ type: "thinking", text: "Let me " });
  sink.handle({ type: "thinking", text: "check." });
  sink.handle({ type: "tokens", tokens: 5 });
  sink.handle({ type: "thinking_done", durationMs: 1200 });
  sink.handle({ type: "text", text: "Running " });
  sink.handle({ type: "text", text: "it." });
  sink.handle({ type: "tokens", tokens: 4 });
  sink.handle({ type: "tool_call", call: call("toolu_01", "Bash", '{"command":"echo hi"}') });
  sink.end("tool_use");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "thinking", thinking: "", signature: "" }),
    delta(0, { type: "thinking_delta", thinking: "Let me " }),
    delta(0, { type: "thinking_delta", thinking: "check." }),
    delta(0, { type: "signature_delta", signature: thinkingSignature("Let me check.") }),
    blockStop(0),
    blockStart(1, { type: "text", text: "" }),
    delta(1, { type: "text_delta", text: "Running " }),
    delta(1, { type: "text_delta", text: "it." }),
    blockStop(1),
    blockStart(2, { type: "tool_use", id: "cursor_call_dG9vbHVfMDE", name: "Bash", input: {} }),
    delta(2, { type: "input_json_delta", partial_json: '{"command":"echo hi"}' }),
    blockStop(2),
    ...messageEnd("tool_use", 9),
  ]);
  assert.equal(ch.status, 200);
  assert.equal(ch.ended, true);
  assert.equal(sink.contentStarted, true);
});

test("text directly after thinking (no thinking_done) closes the thinking block with its signature; a second thinking opens a new block", () => {
  const { sink, events } = setup();
  sink.handle({ type: "thinking", text: "a" });
  sink.handle({ type: "text", text: "b" });
  sink.handle({ type: "thinking", text: "c" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "thinking_done", durationMs: 1 }); // a stray second one changes nothing
  sink.end("end_turn");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "thinking", thinking: "", signature: "" }),
    delta(0, { type: "thinking_delta", thinking: "a" }),
    delta(0, { type: "signature_delta", signature: thinkingSignature("a") }),
    blockStop(0),
    blockStart(1, { type: "text", text: "" }),
    delta(1, { type: "text_delta", text: "b" }),
    blockStop(1),
    blockStart(2, { type: "thinking", thinking: "", signature: "" }),
    delta(2, { type: "thinking_delta", thinking: "c" }),
    delta(2, { type: "signature_delta", signature: thinkingSignature("c") }),
    blockStop(2),
    ...messageEnd("end_turn", 0),
  ]);
});

test("showThinking false drops thinking (and its thinking_done) entirely", () => {
  const { sink, events } = setup({ showThinking: false });
  sink.handle({ type: "thinking", text: "secret" });
  sink.handle({ type: "thinking_done", durationMs: 5 });
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "Hello" });
  sink.end("end_turn");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "text", text: "" }),
    delta(0, { type: "text_delta", text: "Hello" }),
    blockStop(0),
    ...messageEnd("end_turn", 0),
  ]);
});

test("two parallel tool calls: two tool_use blocks, stop_reason tool_use", () => {
  const { sink, events } = setup();
  sink.handle({ type: "tool_call", call: call("call_a", "Read", '{"file_path":"/a"}', 1) });
  sink.handle({ type: "tool_call", call: call("call_b", "Read", '{"file_path":"/b"}', 2) });
  sink.end("tool_use");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "tool_use", id: toClientToolId("call_a"), name: "Read", input: {} }),
    delta(0, { type: "input_json_delta", partial_json: '{"file_path":"/a"}' }),
    blockStop(0),
    blockStart(1, { type: "tool_use", id: toClientToolId("call_b"), name: "Read", input: {} }),
    delta(1, { type: "input_json_delta", partial_json: '{"file_path":"/b"}' }),
    blockStop(1),
    ...messageEnd("tool_use", 0),
  ]);
});

test("a tool call id with a newline becomes a reversible cursor_call_ base64url id (docs/protocol.md §5.2 vector)", () => {
  const raw = "call-cce860e6-ab07-414d-812c-785db35b17ca-4\nfc_d2335004-a95f-93b4-977b-e9eee6316be7_0";
  const { ch, sink, events } = setup();
  sink.handle({ type: "tool_call", call: call(raw, "Bash", "{}") });
  sink.end("tool_use");
  const start = events()[1]!;
  const id = (start[1] as { content_block: { id: string } }).content_block.id;
  assert.equal(
    id,
    "cursor_call_Y2FsbC1jY2U4NjBlNi1hYjA3LTQxNGQtODEyYy03ODVkYjM1YjE3Y2EtNApmY19kMjMzNTAwNC1hOTVmLTkzYjQtOTc3Yi1lOWVlZTYzMTZiZTdfMA",
  );
  assert.equal(fromClientToolId(id), raw);
  assert.doesNotMatch(id, /\s/);
  // The frame carrying the id is one SSE event: the newline did not break the framing.
  assert.equal(parseSse(ch.sseText()).length, events().length);
});

test("empty text and thinking deltas open no block and do not split a block", () => {
  const { sink, events } = setup();
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "thinking", text: "" });
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "a" });
  sink.handle({ type: "thinking", text: "" });
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "text", text: "b" });
  sink.end("end_turn");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "text", text: "" }),
    delta(0, { type: "text_delta", text: "a" }),
    delta(0, { type: "text_delta", text: "b" }),
    blockStop(0),
    ...messageEnd("end_turn", 0),
  ]);
});

test("a turn with no content at all is still a well-formed message", () => {
  const { sink, events } = setup();
  sink.handle({ type: "text", text: "" });
  sink.end("end_turn");
  assert.deepEqual(events(), [messageStart(), ...messageEnd("end_turn", 0)]);
});

test("unicode (emoji, ZWJ, flags, CJK, combining marks) split over several deltas survives exactly", () => {
  const parts = ["👩", "\u200d💻 ", "漢", "字 ", "e\u0301", " 🇯", "🇵", " \u{1F600}"];
  const { sink, events } = setup();
  for (const p of parts) sink.handle({ type: "text", text: p });
  sink.end("end_turn");
  const text = events()
    .filter(([e, d]) => e === "content_block_delta" && (d as { delta: { type: string } }).delta.type === "text_delta")
    .map(([, d]) => (d as { delta: { text: string } }).delta.text)
    .join("");
  assert.equal(text, parts.join(""));
});

test("max_tokens stop with summed output tokens", () => {
  const { sink, events } = setup({ inputTokens: 10 });
  sink.handle({ type: "text", text: "partial" });
  for (const n of [3, 4, 5]) sink.handle({ type: "tokens", tokens: n });
  sink.handle({ type: "tokens", tokens: Number.NaN }); // garbage ignored
  sink.end("max_tokens");
  assert.deepEqual(events().slice(-2), messageEnd("max_tokens", 12, 10));
});

test("fail before anything was sent: a JSON error with the status and retry headers", () => {
  const { ch, sink } = setup();
  sink.fail(new RelayError({ kind: "rate_limited", status: 429, message: "every account is cooling down", retryAfterMs: 2500 }));
  assert.equal(ch.status, 429);
  assert.deepEqual(ch.body, { type: "error", error: { type: "rate_limit_error", message: "every account is cooling down" } });
  assert.equal(ch.headers["retry-after"], "3");
  assert.equal(ch.headers["retry-after-ms"], "2500");
  assert.deepEqual(ch.events, []);
  assert.equal(ch.ended, true);
});

test("fail after the stream started: an error event, no message_delta/message_stop, then the end", () => {
  const { ch, sink, events } = setup();
  sink.handle({ type: "text", text: "Hel" });
  sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "Cursor is unavailable", upstreamCode: "unavailable" }));
  sink.handle({ type: "text", text: "lo" });
  sink.end("end_turn");
  assert.deepEqual(events(), [
    messageStart(),
    blockStart(0, { type: "text", text: "" }),
    delta(0, { type: "text_delta", text: "Hel" }),
    ["error", { type: "error", error: { type: "overloaded_error", message: "Cursor is unavailable" } }],
  ]);
  assert.equal(ch.ended, true);
  assert.equal(ch.writes.at(-1), "end", "nothing written after the end");
});

test("fail after only pings: still an error event (the 200 already went out)", () => {
  const { ch, sink, events } = setup();
  sink.ping();
  assert.equal(sink.contentStarted, false);
  sink.fail(new RelayError({ kind: "upstream_timeout", status: 504, message: "no frames for 90s" }));
  assert.deepEqual(events(), [messageStart(), ["ping", { type: "ping" }], ["error", { type: "error", error: { type: "timeout_error", message: "no frames for 90s" } }]]);
  assert.equal(ch.status, 200);
});

test("ping: message_start goes out lazily with the first ping; pings never count as content", () => {
  const { ch, sink, events } = setup();
  assert.equal(ch.started, false, "nothing is sent at creation");
  sink.ping();
  sink.ping();
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "hi" });
  assert.equal(sink.contentStarted, true);
  sink.ping();
  sink.end("end_turn");
  sink.ping();
  assert.deepEqual(events(), [
    messageStart(),
    ["ping", { type: "ping" }],
    ["ping", { type: "ping" }],
    blockStart(0, { type: "text", text: "" }),
    delta(0, { type: "text_delta", text: "hi" }),
    ["ping", { type: "ping" }],
    blockStop(0),
    ...messageEnd("end_turn", 0),
  ]);
});

test("tool arguments that are not a JSON object reach the client as {}", () => {
  const { sink, events } = setup();
  sink.handle({ type: "tool_call", call: call("x", "Bash", "not json") });
  sink.handle({ type: "tool_call", call: call("y", "Bash", "[1,2]") });
  sink.handle({ type: "tool_call", call: call("z", "Bash", "") });
  sink.end("tool_use");
  const partials = events()
    .filter(([e]) => e === "content_block_delta")
    .map(([, d]) => (d as { delta: { partial_json: string } }).delta.partial_json);
  assert.deepEqual(partials, ["{}", "{}", "{}"]);
});

test("a random message id when none is given", () => {
  const a = setup({ messageId: undefined });
  const b = setup({ messageId: undefined });
  a.sink.end("end_turn");
  b.sink.end("end_turn");
  const idOf = (ev: ReturnType<typeof a.events>) => (ev[0]![1] as { message: { id: string } }).message.id;
  assert.match(idOf(a.events()), /^msg_[A-Za-z0-9_-]{10,}$/);
  assert.notEqual(idOf(a.events()), idOf(b.events()));
});

test("a disconnected client: writes are dropped, the sink keeps its state and ends cleanly", () => {
  const { ch, sink } = setup();
  sink.handle({ type: "text", text: "a" });
  ch.disconnect();
  sink.handle({ type: "text", text: "b" });
  sink.end("end_turn");
  assert.equal(ch.events.length, 3); // message_start, block start, first delta
});
