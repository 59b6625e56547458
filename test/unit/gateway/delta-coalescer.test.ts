import { test } from "node:test";
import assert from "node:assert/strict";
import { createDeltaCoalescer } from "../../../app/gateway/delta-coalescer.ts";
import { ManualClock } from "../../support/manual-clock.ts";

function setup(options = { maxBytes: 10, maxDelayMs: 16 }) {
  const clock = new ManualClock();
  const out: [string, string][] = [];
  const c = createDeltaCoalescer<"text" | "thinking">((kind, text) => out.push([kind, text]), clock, options);
  return { clock, out, c };
}

test("the first delta goes out at once; the ones right behind it wait for the batch", () => {
  const { clock, out, c } = setup();
  c.add("text", "a");
  assert.deepEqual(out, [["text", "a"]]);
  c.add("text", "b");
  c.add("text", "c");
  assert.deepEqual(out, [["text", "a"]]);
  clock.advance(15);
  assert.equal(out.length, 1);
  clock.advance(1);
  assert.deepEqual(out, [["text", "a"], ["text", "bc"]]);
});

test("a batch that reaches maxBytes goes out without waiting", () => {
  const { out, c } = setup();
  c.add("text", "first");
  c.add("text", "12345");
  c.add("text", "67890");
  assert.deepEqual(out, [["text", "first"], ["text", "1234567890"]]);
});

test("after a quiet window the next delta is immediate again", () => {
  const { clock, out, c } = setup();
  c.add("text", "a");
  clock.advance(16); // nothing pending: the window closes
  c.add("text", "b");
  assert.deepEqual(out, [["text", "a"], ["text", "b"]]);
  c.add("text", "c");
  clock.advance(16);
  clock.advance(16);
  c.add("text", "d");
  assert.deepEqual(out, [["text", "a"], ["text", "b"], ["text", "c"], ["text", "d"]]);
});

test("a batch holds one kind: switching kind flushes the other first, in order", () => {
  const { clock, out, c } = setup({ maxBytes: 100, maxDelayMs: 16 });
  c.add("thinking", "t1");
  c.add("thinking", "t2");
  c.add("text", "x1");
  c.add("text", "x2");
  c.add("thinking", "t3");
  clock.advance(16);
  assert.deepEqual(out, [
    ["thinking", "t1"],
    ["thinking", "t2"],
    ["text", "x1x2"],
    ["thinking", "t3"],
  ]);
});

test("flush() sends what is pending now; close() stops the timer and drops nothing already sent", () => {
  const { clock, out, c } = setup({ maxBytes: 100, maxDelayMs: 16 });
  c.add("text", "a");
  c.add("text", "b");
  c.flush();
  assert.deepEqual(out, [["text", "a"], ["text", "b"]]);
  c.flush();
  assert.equal(out.length, 2, "nothing pending, nothing sent");
  c.close();
  assert.equal(clock.pending, 0);
  c.add("text", "late");
  clock.advance(100);
  assert.equal(out.length, 2, "nothing after close");
});

test("empty deltas are ignored", () => {
  const { clock, out, c } = setup();
  c.add("text", "");
  assert.deepEqual(out, []);
  assert.equal(clock.pending, 0);
});
