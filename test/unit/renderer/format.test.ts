import { test } from "node:test";
import assert from "node:assert/strict";
import { formatAgo, formatCountdown, formatIn, formatTokens, formatUptime, sessionModelLabel } from "../../../renderer/src/format.ts";

test("token counts read short and keep their magnitude", () => {
  const cases: Array<[number, string]> = [
    [0, "0"],
    [999, "999"],
    [1_000, "1k"],
    [1_234, "1.23k"],
    [12_345, "12.3k"],
    [999_949, "999.9k"],
    [1_500_000, "1.5M"],
    [45_000_000, "45M"],
    [2_340_000_000, "2.34B"],
  ];
  for (const [n, s] of cases) assert.equal(formatTokens(n), s, String(n));
});

test("countdowns round up to the second and never go negative", () => {
  assert.equal(formatCountdown(9_001), "0:10");
  assert.equal(formatCountdown(754_000), "12:34");
  assert.equal(formatCountdown(3_903_000), "1:05:03");
  assert.equal(formatCountdown(-5), "0:00");
});

test("relative times", () => {
  const now = 1_000_000_000;
  assert.equal(formatAgo(now - 10_000, now), "just now");
  assert.equal(formatAgo(now - 180_000, now), "3 min ago");
  assert.equal(formatAgo(now - 2 * 3600_000, now), "2 h ago");
  assert.equal(formatIn(now + 3 * 3600_000, now), "in 3 h");
  assert.equal(formatIn(now - 1, now), "expired");
  assert.equal(formatUptime(125 * 60_000), "2 h 05 min");
});

test("a session shows the client's model, and the Cursor model it was mapped to when they differ", () => {
  assert.equal(sessionModelLabel({ model: "claude-opus-4-1", cursorModel: "claude-4.5-opus" }), "claude-opus-4-1 → claude-4.5-opus");
  assert.equal(sessionModelLabel({ model: "gpt-5", cursorModel: "gpt-5" }), "gpt-5");
});
