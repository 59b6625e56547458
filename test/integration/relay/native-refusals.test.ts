// Cursor asking for its own native tools (shell, read, an unknown kind) is refused on the
// stream, and each refusal is logged at debug level with the tool kind.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startHarness } from "../../support/relay-harness.ts";

test("native-tool refusals are logged at debug with the tool kind; the turn completes", async (t) => {
  const h = await startHarness(t, {
    scenario: { turns: [[{ nativeExec: "shell" }, { nativeExec: "read" }, { unknownExec: 99 }, { text: "done" }, { turnEnded: true }]] },
  });
  const msg = await h.anthropic().messages.create({ model: "claude-opus-4-8", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
  assert.equal(msg.stop_reason, "end_turn");
  const refusals = h.logLines.filter((l) => / DEBUG /.test(l) && l.includes("refused native tool"));
  assert.deepEqual(
    refusals.map((l) => /refused native tool (\S+)/.exec(l)![1]),
    ["shell", "read", "unknown:99"],
  );
  assert.equal(h.fake.runs[0]!.execReplies.length, 3, "each was answered");
});
