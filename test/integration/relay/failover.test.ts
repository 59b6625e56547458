// Many accounts: failures before the first byte move the turn to another account,
// unseen by the client; failures after it end the response with an error event and the
// next turn goes elsewhere. Two or three accounts on the fake Cursor, real sockets.
import assert from "node:assert/strict";
import { test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { TEXT_REPLY, TEXT_TURN } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";
const session = (id: string) => ({ user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: id }) });
const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === "text" ? b.text : "")).join("");

test("account A is out of quota before any text: the turn succeeds on B, A cools down", async (t) => {
  const h = await startHarness(t, { scenario: "exhausted-first", accounts: ["alpha", "beta"] });
  const msg = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
  assert.equal(text(msg), TEXT_REPLY);
  assert.deepEqual(
    h.fake.runs.map((r) => [r.sub, r.outcome]),
    [
      [h.subs[0], "failed"],
      [h.subs[1], "completed"],
    ],
  );
  const snap = await h.app.control.getSnapshot();
  const alpha = snap.accounts.find((a) => a.id === "cursor.alpha")!;
  assert.equal(alpha.state, "cooling");
  assert.equal(alpha.cooldownStatus, 429);
  assert.ok(alpha.cooldownUntil! > Date.now());
  assert.equal(snap.accounts.find((a) => a.id === "cursor.beta")!.state, "ready");
  assert.deepEqual(alpha.sessions, [], "the failed attempt on A is not listed as a session");
  const betaSessions = snap.accounts.find((a) => a.id === "cursor.beta")!.sessions;
  assert.equal(betaSessions.length, 1);
  assert.equal(betaSessions[0]!.state, "idle");
  assert.equal(betaSessions[0]!.tokens.output, 5);

  // The next request goes straight to B.
  await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "again" }] });
  assert.equal(h.fake.runs[2]!.sub, h.subs[1]);
  await h.fake.waitForIdle();
});

test("a conversation started on A continues on B after A is exhausted: flattened history, no checkpoint from A", async (t) => {
  const h = await startHarness(t, {
    accounts: ["alpha", "beta"],
    scenario: {
      accounts: {
        "@1": [TEXT_TURN, [{ fail: "resource_exhausted", message: "quota" }]],
        "*": [TEXT_TURN],
      },
    },
  });
  const client = h.anthropic();
  const metadata = session("conv-a-to-b");
  const first = await client.messages.create({ model: MODEL, max_tokens: 100, metadata, messages: [{ role: "user", content: "first question" }] });
  assert.equal(h.fake.runs[0]!.sub, h.subs[0]);
  const second = await client.messages.create({
    model: MODEL,
    max_tokens: 100,
    metadata,
    messages: [
      { role: "user", content: "first question" },
      { role: "assistant", content: first.content },
      { role: "user", content: "second question" },
    ],
  });
  assert.equal(text(second), TEXT_REPLY);
  const [, onA, onB] = h.fake.runs;
  assert.equal(onA!.sub, h.subs[0], "the turn first went back to A, which owns the checkpoint");
  assert.equal(onA!.replayedCheckpoint, true);
  assert.equal(onB!.sub, h.subs[1]);
  assert.equal(onB!.replayedCheckpoint, false, "A's checkpoint is never replayed on B");
  assert.match(onB!.userText, /^USER: first question\n\nASSISTANT: Hello from fake Cursor\.\n\nUSER: second question\n\n/);
  assert.match(onB!.userText, /\n\nThe above is the previous conversation context including tool call results\.\nContinue your response based on this context\.$/);
  assert.equal(onB!.conversationId, onA!.conversationId);
});

test("a failure after text ends the response with an error event; the next turn goes to B", async (t) => {
  const h = await startHarness(t, {
    accounts: ["alpha", "beta"],
    scenario: { accounts: { "@1": [[{ text: "Partial answer " }, { tokens: 2 }, { sleepMs: 20 }, { fail: "resource_exhausted", message: "quota" }]], "*": [TEXT_TURN] } },
  });
  const client = h.anthropic();
  const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
  let seen = "";
  stream.on("text", (t) => (seen += t));
  await assert.rejects(stream.finalMessage(), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /quota|usage limit|rate/i);
    return true;
  });
  assert.equal(seen, "Partial answer ", "the client saw the partial text, then the error, never a normal stop");
  const next = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "again" }] });
  assert.equal(text(next), TEXT_REPLY);
  assert.equal(h.fake.runs[1]!.sub, h.subs[1]);

  // OpenAI streaming: the same failure is an error chunk the SDK throws on.
  const h2 = await startHarness(t, { scenario: "exhausted-after-text" });
  const s = await h2.openai().chat.completions.create({ model: "gpt-5", stream: true, messages: [{ role: "user", content: "hi" }] });
  let content = "";
  await assert.rejects(
    (async () => {
      for await (const c of s) content += c.choices[0]?.delta.content ?? "";
    })(),
  );
  assert.equal(content, "Partial answer ");
});

test("every account cooling: 429 with retry-after set to the soonest recovery", async (t) => {
  const h = await startHarness(t, {
    accounts: ["alpha", "beta"],
    scenario: { turns: [[{ fail: "resource_exhausted", message: "quota" }]] },
  });
  const err = await h
    .anthropic()
    .messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
    .catch((e: unknown) => e);
  assert.ok(err instanceof Anthropic.RateLimitError, String(err));
  const retryAfter = Number(err.headers.get("retry-after"));
  assert.ok(retryAfter >= 1 && retryAfter <= 31, `retry-after ${retryAfter}`);
  assert.equal(h.fake.runs.length, 2, "both accounts were tried once");

  // While both cool down, a new request gets 429 at once, without touching Cursor.
  const raw = await fetch(`${h.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(raw.status, 429);
  assert.ok(Number(raw.headers.get("retry-after")) >= 1);
  const body = (await raw.json()) as { error: { type: string } };
  assert.equal(body.error.type, "rate_limit_error");
  assert.equal(h.fake.runs.length, 2);
});

test("Cursor says unauthenticated: one refresh, the same account retried, the client never notices", async (t) => {
  const h = await startHarness(t, { scenario: { accounts: { "@1": [[{ fail: "unauthenticated", message: "token expired" }], TEXT_TURN] } } });
  const msg = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
  assert.equal(text(msg), TEXT_REPLY);
  assert.equal(h.fake.refreshes.length, 1);
  assert.equal(h.fake.runs.length, 2);
  assert.equal(h.fake.runs[1]!.sub, h.subs[0]);
  assert.notEqual(h.fake.runs[1]!.headers.authorization, h.fake.runs[0]!.headers.authorization, "the retry used the refreshed token");
});

test("an account whose credentials Cursor keeps refusing is marked auth expired; the client gets a 503 that says what to do", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [[{ fail: "unauthenticated", message: "nope" }]] } });
  const res = await fetch(`${h.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": h.key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
  });
  assert.equal(res.status, 503);
  const body = (await res.json()) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, "error");
  assert.match(body.error.message, /login/);
  const snap = await h.app.control.getSnapshot();
  assert.equal(snap.accounts[0]!.state, "auth_expired");
});

test("a stream parked on a tool call still resumes after its account started cooling for another conversation", async (t) => {
  const bash = { name: "Bash", description: "Run", input_schema: { type: "object" as const, properties: { command: { type: "string" } } } };
  const h = await startHarness(t, {
    accounts: ["alpha", "beta"],
    scenario: {
      accounts: {
        "@1": [
          [{ toolCall: { name: "Bash", args: { command: "echo hi" }, id: "call_1" } }, { replyWithToolResult: "Tool said: " }, { turnEnded: true }],
          [{ fail: "resource_exhausted", message: "quota" }],
        ],
        "*": [TEXT_TURN],
      },
    },
  });
  const client = h.anthropic();
  const metadata = session("parked-then-cooling");
  const user = { role: "user" as const, content: "run it" };
  const first = await client.messages.create({ model: MODEL, max_tokens: 100, tools: [bash], metadata, messages: [user] });
  const call = first.content.find((b) => b.type === "tool_use")!;
  assert.ok(call.type === "tool_use");
  // Other conversations: round-robin sends the second of them to alpha, which is now out
  // of quota (it fails over to beta, unseen).
  for (const id of ["other-1", "other-2"]) {
    const other = await client.messages.create({ model: MODEL, max_tokens: 100, metadata: session(id), messages: [{ role: "user", content: "hi" }] });
    assert.equal(text(other), TEXT_REPLY);
  }
  assert.equal((await h.app.control.getSnapshot()).accounts.find((a) => a.id === "cursor.alpha")!.state, "cooling");
  const done = await client.messages.create({
    model: MODEL,
    max_tokens: 100,
    tools: [bash],
    metadata,
    messages: [user, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "hi\n" }] }],
  });
  assert.equal(text(done), "Tool said: hi\n");
  assert.equal(h.fake.runs[0]!.toolResults[0]?.text, "hi\n", "the result went back on alpha's parked stream");
  assert.equal(h.fake.runs.filter((r) => r.conversationId === h.fake.runs[0]!.conversationId).length, 1);
});
