import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createStreamSink, type StreamWriter } from "../../../app/gateway/stream-sink.ts";
import { createMemoryChannel } from "./memory-channel.ts";

function setup() {
  const ch = createMemoryChannel();
  const calls: string[] = [];
  const collect = (type: string) => void (calls.push(`collect:${type}`), ch.sse(null, type));
  const writer: StreamWriter = {
    contentStarted: false,
    showThinking: false,
    batch: { flush: () => void calls.push("flush"), close: () => void calls.push("closeBatch") },
    content: { text: () => collect("text"), thinking: () => collect("thinking"), toolCall: () => collect("tool_call") },
    finish: (reason, tokens) => void calls.push(`finish:${reason}:${tokens}`),
    failInStream: (e, tokens) => void calls.push(`failInStream:${e.status}:${tokens}`),
    keepAlive: () => void calls.push("keepAlive"),
  };
  const errors = { body: (e: RelayError) => ({ oops: e.message }), headers: () => ({ "retry-after": "5" }) };
  return { ch, calls, sink: createStreamSink(ch, writer, errors) };
}

test("the batch is flushed and stopped before the closing events; tokens are summed; nothing after the end", () => {
  const { ch, calls, sink } = setup();
  sink.handle({ type: "text", text: "a" });
  sink.handle({ type: "tokens", tokens: 2 });
  sink.handle({ type: "tokens", tokens: Number.POSITIVE_INFINITY });
  sink.handle({ type: "tokens", tokens: 3 });
  sink.ping();
  sink.end("end_turn");
  sink.handle({ type: "text", text: "late" });
  sink.ping();
  sink.fail(new RelayError({ kind: "internal", status: 500, message: "late" }));
  assert.deepEqual(calls, ["collect:text", "flush", "keepAlive", "flush", "closeBatch", "finish:end_turn:5"]);
  assert.equal(ch.ended, true);
});

test("a failure before anything went out is a real HTTP error; after that, the format's error event", () => {
  const early = setup();
  early.sink.fail(new RelayError({ kind: "rate_limited", status: 429, message: "cooling" }));
  assert.equal(early.ch.status, 429);
  assert.deepEqual(early.ch.body, { oops: "cooling" });
  assert.equal(early.ch.headers["retry-after"], "5");
  assert.deepEqual(early.calls, ["flush", "closeBatch"]);

  const late = setup();
  late.sink.handle({ type: "text", text: "a" });
  late.sink.handle({ type: "tokens", tokens: 4 });
  late.sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "gone" }));
  assert.equal(late.ch.status, 200);
  assert.deepEqual(late.calls, ["collect:text", "flush", "closeBatch", "failInStream:503:4"]);
  assert.equal(late.ch.ended, true);
});

test("content reaches the writer without empty deltas or hidden thinking; a tool call flushes the batch first", () => {
  const { calls, sink } = setup();
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "thinking", text: "hidden" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle({ type: "tool_call", call: { execId: 1, execIdString: "e", toolCallId: "c", name: "n", argsJson: "{}" } });
  assert.deepEqual(calls, ["flush", "collect:tool_call"]);
});
