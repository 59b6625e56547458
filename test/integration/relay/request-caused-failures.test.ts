// A failure the request causes is that request's error: a request too large for Cursor,
// or one Cursor refuses as invalid or with ENHANCE_YOUR_CALM, gets 413/400 in the
// client's own format, no account cools down, no other account is tried, and the next
// small request is served. Two accounts on the fake Cursor, real sockets.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_RUN_REQUEST_BYTES } from "../../../app/cursor/request-limit.ts";
import { TEXT_REPLY, TEXT_TURN, type Scenario, type Turn } from "../../fake-cursor/index.ts";
import { startHarness, type Harness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";

async function post(h: Harness, api: "anthropic" | "openai", content: string): Promise<{ status: number; body: any }> {
  const anthropic = api === "anthropic";
  const res = await fetch(`${h.url}${anthropic ? "/v1/messages" : "/v1/chat/completions"}`, {
    method: "POST",
    headers: anthropic
      ? { "content-type": "application/json", "x-api-key": h.key, "anthropic-version": "2023-06-01" }
      : { "content-type": "application/json", authorization: `Bearer ${h.key}` },
    body: JSON.stringify({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content }] }),
  });
  return { status: res.status, body: await res.json() };
}

async function assertNoAccountCooling(h: Harness): Promise<void> {
  const snap = await h.app.control.getSnapshot();
  assert.deepEqual(
    snap.accounts.map((a) => [a.id, a.state]),
    snap.accounts.map((a) => [a.id, "ready"]),
    "no account cools down for a request's own failure",
  );
}

test("a request larger than Cursor accepts gets 413 in both formats before any Run opens; the next small one is served", async (t) => {
  const h = await startHarness(t, { accounts: ["alpha", "beta"] });
  // 14 MiB: under the relay's 32 MiB body limit, over what Cursor's server takes.
  const huge = "x".repeat(14 * 1024 * 1024);

  const a = await post(h, "anthropic", huge);
  assert.equal(a.status, 413);
  assert.equal(a.body.type, "error");
  assert.equal(a.body.error.type, "request_too_large");
  assert.match(a.body.error.message, /14\.0 MiB/);
  assert.match(a.body.error.message, new RegExp(`at most ${(MAX_RUN_REQUEST_BYTES / 1024 / 1024).toFixed(1)} MiB`));

  const o = await post(h, "openai", huge);
  assert.equal(o.status, 413);
  assert.equal(o.body.error.type, "invalid_request_error");
  assert.match(o.body.error.message, /at most 8\.0 MiB/);

  assert.equal(h.fake.runs.length, 0, "refused before a Run opened");
  await assertNoAccountCooling(h);

  const small = await post(h, "anthropic", "hello");
  assert.equal(small.status, 200);
  assert.equal(small.body.content[0].text, TEXT_REPLY);
});

test("just under the limit is sent to Cursor and served", async (t) => {
  const h = await startHarness(t, { accounts: ["alpha"] });
  const res = await post(h, "openai", "y".repeat(MAX_RUN_REQUEST_BYTES - 64 * 1024));
  assert.equal(res.status, 200);
  assert.equal(res.body.choices[0].message.content, TEXT_REPLY);
  assert.equal(h.fake.runs.length, 1);
});

const refusing = (first: Turn): Scenario => ({
  accounts: { "@1": [first, TEXT_TURN], "@2": [first, TEXT_TURN], "*": [TEXT_TURN] },
});

for (const [what, turn, status, anthropicType] of [
  ["invalid_argument", [{ fail: "invalid_argument", message: "request malformed" }], 400, "invalid_request_error"],
  ["a stream refused with ENHANCE_YOUR_CALM", [{ refuseStream: true }], 413, "request_too_large"],
] as const) {
  test(`Cursor refusing a request with ${what}: ${status} to that client, no cooling, no failover`, async (t) => {
    const h = await startHarness(t, { accounts: ["alpha", "beta"], scenario: refusing(turn as never) });
    const a = await post(h, "anthropic", "first");
    assert.equal(a.status, status, JSON.stringify(a.body));
    assert.match(a.body.error.message, /^Cursor refused the request as (invalid|too large)/);
    assert.equal(a.body.error.type, anthropicType);
    assert.equal(h.fake.runs.length, 1, "the turn was not moved to the other account");
    await assertNoAccountCooling(h);

    const o = await post(h, "openai", "second");
    assert.equal(o.status, status);
    assert.equal(o.body.error.type, "invalid_request_error");
    assert.match(o.body.error.message, /^Cursor refused the request/);
    assert.equal(h.fake.runs.length, 2);
    await assertNoAccountCooling(h);

    const small = await post(h, "anthropic", "third");
    assert.equal(small.status, 200);
    assert.equal(small.body.content[0].text, TEXT_REPLY);
  });
}
