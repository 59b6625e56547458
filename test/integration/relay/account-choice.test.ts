// Which account serves a request, as the README says: a new conversation goes to the
// ready account used least recently; requests that begin identically (same system prompt
// and first user message, no session id) are one conversation and stay on its account.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startHarness } from "../../support/relay-harness.ts";

test("identical first messages share one conversation and one account; a different one goes to the other account", async (t) => {
  const h = await startHarness(t, { accounts: ["alpha", "beta"] });
  const ask = (content: string) => h.openai().chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content }] });
  await ask("same question");
  await ask("same question");
  await ask("same question");
  await ask("another question");
  const runs = h.fake.runs.map((r) => [r.sub, r.conversationId]);
  assert.equal(new Set(runs.slice(0, 3).map(([, c]) => c)).size, 1, "one conversation");
  assert.deepEqual(
    runs.map(([sub]) => sub),
    [h.subs[0], h.subs[0], h.subs[0], h.subs[1]],
    "not round-robin per request: the repeated request stays on its conversation's account",
  );
  assert.notEqual(runs[3]![1], runs[0]![1]);
});
