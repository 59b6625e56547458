import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createStreamSink, type StreamWriter } from "../../../app/gateway/stream-sink.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { toolCall } from "./tool-call.ts";

const CALL = toolCall("c", "n", "{}");

/** A writer that records what reaches it, behind a coalescing batch (a delta right after another waits in it). */
function setup(over: Partial<StreamWriter> = {}, showThinking = false) {
  const ch = createMemoryChannel();
  const calls: string[] = [];
  const clock = new ManualClock();
  const writer: StreamWriter = {
    contentStarted: false,
    delta: (kind, t) => void (calls.push(`delta:${kind}:${t}`), ch.sse(null, t)),
    toolCall: (call) => void (calls.push(`tool_call:${call.name}`), ch.sse(null, call.name)),
    finish: (reason, tokens) => void calls.push(`finish:${reason}:${tokens}`),
    failInStream: (e, tokens) => void calls.push(`failInStream:${e.status}:${tokens}`),
    keepAlive: () => void calls.push("keepAlive"),
    ...over,
  };
  const errors = { body: (e: RelayError) => ({ oops: e.message }), headers: () => ({ "retry-after": "5" }) };
  const options = { model: "m", inputTokens: 1, showThinking, clock, coalesce: { maxBytes: 1000, maxDelayMs: 10 } };
  return { ch, calls, clock, sink: createStreamSink(ch, options, writer, errors) };
}

test("the batch is flushed and stopped before the closing events; tokens are summed; nothing after the end", () => {
  const { ch, calls, clock, sink } = setup();
  sink.handle({ type: "text", text: "a" });
  sink.handle({ type: "text", text: "b" });
  sink.handle({ type: "tokens", tokens: 2 });
  sink.handle({ type: "tokens", tokens: Number.POSITIVE_INFINITY });
  sink.handle({ type: "tokens", tokens: 3 });
  sink.ping();
  sink.handle({ type: "text", text: "c" });
  sink.end("end_turn");
  sink.handle({ type: "text", text: "late" });
  sink.ping();
  sink.fail(new RelayError({ kind: "internal", status: 500, message: "late" }));
  assert.deepEqual(calls, ["delta:text:a", "delta:text:b", "keepAlive", "delta:text:c", "finish:end_turn:5"]);
  assert.equal(ch.ended, true);
  assert.equal(clock.pending, 0, "the batch's timer is stopped");
});

test("a failure before anything went out is a real HTTP error; after that, the format's error event", () => {
  const early = setup();
  early.sink.fail(new RelayError({ kind: "rate_limited", status: 429, message: "cooling" }));
  assert.equal(early.ch.status, 429);
  assert.deepEqual(early.ch.body, { oops: "cooling" });
  assert.equal(early.ch.headers["retry-after"], "5");
  assert.deepEqual(early.calls, []);

  const late = setup();
  late.sink.handle({ type: "text", text: "a" });
  late.sink.handle({ type: "text", text: "b" });
  late.sink.handle({ type: "tokens", tokens: 4 });
  late.sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "gone" }));
  assert.equal(late.ch.status, 200);
  assert.deepEqual(late.calls, ["delta:text:a", "delta:text:b", "failInStream:503:4"]);
  assert.equal(late.ch.ended, true);
  assert.equal(late.clock.pending, 0);
});

test("content reaches the writer without empty deltas or hidden thinking; a tool call and a thinking block's end flush the batch first", () => {
  const hidden = setup({ thinkingDone: () => void hidden.calls.push("thinkingDone") });
  hidden.sink.handle({ type: "text", text: "" });
  hidden.sink.handle({ type: "thinking", text: "hidden" });
  hidden.sink.handle({ type: "thinking_done", durationMs: 1 });
  hidden.sink.handle({ type: "tool_call", call: CALL });
  assert.deepEqual(hidden.calls, ["thinkingDone", "tool_call:n"]);

  const shown = setup({ thinkingDone: () => void shown.calls.push("thinkingDone") }, true);
  shown.sink.handle({ type: "thinking", text: "t1" });
  shown.sink.handle({ type: "thinking", text: "t2" });
  shown.sink.handle({ type: "thinking_done", durationMs: 1 });
  shown.sink.handle({ type: "text", text: "x" });
  shown.sink.handle({ type: "tool_call", call: CALL });
  assert.deepEqual(shown.calls, ["delta:thinking:t1", "delta:thinking:t2", "thinkingDone", "delta:text:x", "tool_call:n"]);
});

test("held text (Gemini's JSON mode) bypasses the batch", () => {
  const held: string[] = [];
  const { calls, sink } = setup({ holdText: (t) => void held.push(t) });
  sink.handle({ type: "text", text: "{" });
  sink.handle({ type: "text", text: "}" });
  sink.end("end_turn");
  assert.deepEqual(held, ["{", "}"]);
  assert.deepEqual(calls, ["finish:end_turn:0"]);
});
