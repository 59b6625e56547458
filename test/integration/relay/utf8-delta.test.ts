// A text delta whose string is not valid UTF-8 (the fake's `malformed: invalid-utf8`, bytes
// C3 28) no longer fails the turn: the bad byte becomes U+FFFD and the answer completes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startHarness } from "../../support/relay-harness.ts";

const EXPECTED = "before bad utf8: \uFFFD(!after"; // the fake writes "bad utf8: " C3 28 "!"

test("an invalid UTF-8 text delta becomes U+FFFD; the turn completes in both client formats, noted at debug", async (t) => {
  const h = await startHarness(t, {
    scenario: { turns: [[{ text: "before " }, { malformed: "invalid-utf8" }, { text: "after" }, { turnEnded: true }]] },
  });
  const msg = await h.anthropic().messages.create({ model: "claude-opus-4-8", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
  assert.equal(msg.stop_reason, "end_turn");
  assert.deepEqual(msg.content.map((b) => (b.type === "text" ? b.text : b.type)), [EXPECTED]);

  const chunks = await h.openai().chat.completions.create({ model: "gpt-5", stream: true, messages: [{ role: "user", content: "hi" }] });
  let content = "";
  for await (const c of chunks) content += c.choices[0]?.delta.content ?? "";
  assert.equal(content, EXPECTED);

  const snap = await h.app.control.getSnapshot();
  assert.equal(snap.accounts[0]!.state, "ready", "nothing failed, nothing cools");
  assert.ok(h.logLines.some((l) => / DEBUG /.test(l) && l.includes("not valid UTF-8")));
});
