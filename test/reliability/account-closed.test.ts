// A turn whose account goes away under it — removed, disabled, or marked auth expired
// (e.g. by another request's second 401) — or whose relay stops: the client gets the
// answer from another account, or a well-formed error, never an empty 200 or a stream
// that just stops.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scenario } from "../fake-cursor/index.ts";
import { startHarness, type Harness } from "../support/relay-harness.ts";
import { sendChat, type Outcome } from "./chat-client.ts";

const scenario = (beforeText: boolean): Scenario => ({
  accounts: {
    // The first account hangs on heartbeats (before or after some text) until it is closed.
    // After text, a token delta follows it: once the relay has counted that token it has
    // handled the text too (events are handled in order), so the test knows "after text".
    "@1": [[...(beforeText ? [] : [{ text: "partial " }, { tokens: 1 }]), { silence: { heartbeatMs: 30 } }]],
    "*": [[{ text: "from the other account" }, { tokens: 2 }, { turnEnded: true }]],
  },
});

async function relayHasText(h: Harness): Promise<boolean> {
  const snap = await h.app.control.getSnapshot();
  return snap.accounts.some((a) => a.sessions.some((s) => s.tokens.output >= 1));
}

async function midTurn(h: Harness, stream: boolean, close: () => unknown | Promise<unknown>, afterText = false): Promise<Outcome> {
  const pending = sendChat({
    url: h.url,
    key: h.key,
    api: "anthropic",
    stream,
    body: { model: "claude-opus-4-8", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
    deadlineMs: 5000,
  });
  // The first Run is open and playing its silence.
  while (!(h.fake.runs[0]?.heartbeats !== undefined && h.fake.runs[0].userText !== "" && h.fake.openStreams > 0)) {
    await new Promise((r) => setTimeout(r, 5));
  }
  if (afterText) while (!(await relayHasText(h))) await new Promise((r) => setTimeout(r, 5));
  else await new Promise((r) => setTimeout(r, 60));
  await close();
  return pending;
}

for (const stream of [false, true]) {
  const mode = stream ? "streaming" : "non-streaming";

  test(`${mode}: the account is marked auth expired before any text → the turn moves to another account`, async (t) => {
    const h = await startHarness(t, { accounts: ["a", "b"], scenario: scenario(true) });
    const out = await midTurn(h, stream, () => h.app.parts.accounts.registry.markAuthExpired(h.accountIds[0]!, "test"));
    assert.equal(out.ok, true, JSON.stringify(out));
    assert.equal(out.ok && out.text, "from the other account");
    await h.fake.waitForIdle(2000);
    assert.deepEqual(
      h.fake.runs.map((r) => [r.sub, r.outcome]),
      [
        [h.subs[0], "client_closed"],
        [h.subs[1], "completed"],
      ],
    );
    assert.equal(h.app.parts.rotation.view(h.accountIds[0]!).errorsByStatus["503"], undefined, "not counted against the account");
  });

  test(`${mode}: the account is removed after text → a well-formed error, not a cut-off response`, async (t) => {
    const h = await startHarness(t, { accounts: ["a", "b"], scenario: scenario(false) });
    const out = await midTurn(h, stream, () => h.app.control.removeAccount(h.accountIds[0]!), true);
    assert.equal(out.ok, false, JSON.stringify(out));
    if (out.ok) return;
    assert.equal(out.via, stream ? "event" : "status");
    if (!stream) assert.equal(out.status, 503);
    assert.equal(out.errorType, "overloaded_error", "Claude Code retries a 503 / overloaded error");
    assert.match(out.message, /removed, disabled or needs a new login/);
    if (stream) assert.equal(out.partialText, "partial ");
    await h.fake.waitForIdle(2000);
    assert.equal(h.fake.runs.length, 1, "after text the turn is not retried elsewhere");
  });

  test(`${mode}: the relay stops mid-turn → the client gets a well-formed error`, async (t) => {
    const h = await startHarness(t, { accounts: ["a", "b"], scenario: scenario(false) });
    const out = await midTurn(h, stream, () => h.app.stop(), true);
    assert.equal(out.ok, false, JSON.stringify(out));
    if (!out.ok) assert.match(out.message, /shutting down/);
    await h.fake.waitForIdle(2000);
    assert.equal(h.fake.runs.length, 1, "no new Run once stopping");
  });
}
