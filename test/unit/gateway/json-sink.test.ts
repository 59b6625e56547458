import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { createJsonSink, type JsonCollector } from "../../../app/gateway/json-sink.ts";
import { createMemoryChannel } from "./memory-channel.ts";
import { toolCallEvent } from "./tool-call.ts";

function setup() {
  const ch = createMemoryChannel();
  const seen: string[] = [];
  const collector: JsonCollector = {
    get contentStarted() {
      return seen.length > 0;
    },
    showThinking: false,
    content: {
      text: (t) => void seen.push(`text:${t}`),
      thinking: (t) => void seen.push(`thinking:${t}`),
      thinkingDone: () => void seen.push("thinking_done"),
      toolCall: (c) => void seen.push(`tool_call:${c.name}`),
    },
    body: (reason, outputTokens) => ({ reason, outputTokens, seen: seen.length }),
  };
  const errors = { body: (e: RelayError) => ({ oops: e.message }), headers: () => ({ "x-why": "test" }) };
  return { ch, seen, sink: createJsonSink(ch, collector, errors) };
}

test("content goes to the collector, token counts are summed (junk counts dropped), the body goes out once on end", () => {
  const { ch, seen, sink } = setup();
  assert.equal(sink.contentStarted, false);
  sink.handle({ type: "text", text: "hi" });
  sink.handle({ type: "tokens", tokens: 3 });
  sink.handle({ type: "tokens", tokens: -1 });
  sink.handle({ type: "tokens", tokens: Number.NaN });
  sink.handle({ type: "tokens", tokens: 4 });
  sink.ping();
  assert.equal(sink.contentStarted, true);
  assert.equal(ch.started, false);
  sink.end("end_turn");
  assert.equal(ch.status, 200);
  assert.deepEqual(ch.body, { reason: "end_turn", outputTokens: 7, seen: 1 });
  assert.equal(ch.ended, true);
  sink.handle({ type: "text", text: "late" });
  sink.fail(new RelayError({ kind: "internal", status: 500, message: "late" }));
  assert.equal(seen.length, 1);
  assert.equal(ch.status, 200);
});

test("a failure is the client's error body with its status and headers, and ends the sink", () => {
  const { ch, sink } = setup();
  sink.fail(new RelayError({ kind: "upstream_unavailable", status: 503, message: "down" }));
  assert.equal(ch.status, 503);
  assert.deepEqual(ch.body, { oops: "down" });
  assert.equal(ch.headers["x-why"], "test");
  assert.equal(ch.ended, true);
  sink.end("end_turn");
  assert.equal(ch.status, 503);
});

test("content reaches the collector without empty deltas or hidden thinking", () => {
  const { seen, sink } = setup();
  sink.handle({ type: "text", text: "" });
  sink.handle({ type: "thinking", text: "hidden" });
  sink.handle({ type: "thinking_done", durationMs: 1 });
  sink.handle(toolCallEvent("c", "n", "{}"));
  assert.equal(sink.contentStarted, true);
  assert.deepEqual(seen, ["thinking_done", "tool_call:n"]);
});
