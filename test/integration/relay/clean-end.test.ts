// Cursor may end a turn with a clean end-stream `{}` and no turn_ended. Its own client
// takes that as the end of the turn; so does the relay, in every client format: the
// answer is complete (stop reason end_turn / finish_reason stop), the account does not
// cool down, and the turn is not re-run on another account.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startHarness, type Harness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";
const ANSWER = "All done without turn_ended.";
const user = [{ role: "user" as const, content: "hi" }];

/** A streamed OpenAI chat completion read to its end: the text and the last finish reason. */
async function streamedChat(h: Harness): Promise<{ content: string; finish: string | null }> {
  const chunks = await h.openai().chat.completions.create({ model: "gpt-5", stream: true, messages: user });
  let content = "";
  let finish: string | null = null;
  for await (const c of chunks) {
    content += c.choices[0]?.delta.content ?? "";
    finish = c.choices[0]?.finish_reason ?? finish;
  }
  return { content, finish };
}

async function assertAccountsReady(h: Harness): Promise<void> {
  const snap = await h.app.control.getSnapshot();
  assert.deepEqual(
    snap.accounts.map((a) => a.state),
    snap.accounts.map(() => "ready"),
    "no account cooled down",
  );
}

test("text then a clean end of stream: a finished turn in Anthropic and OpenAI formats, streaming and not", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [[{ text: ANSWER }, { tokens: 4 }, { end: true }]] } });

  const json = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: user });
  assert.equal(json.stop_reason, "end_turn");
  assert.deepEqual(json.content.map((b) => (b.type === "text" ? b.text : b.type)), [ANSWER]);

  const streamed = await h.anthropic().messages.stream({ model: MODEL, max_tokens: 100, messages: user }).finalMessage();
  assert.equal(streamed.stop_reason, "end_turn");
  assert.deepEqual(streamed.content.map((b) => (b.type === "text" ? b.text : b.type)), [ANSWER]);

  const chat = await h.openai().chat.completions.create({ model: "gpt-5", messages: user });
  assert.equal(chat.choices[0]!.finish_reason, "stop");
  assert.equal(chat.choices[0]!.message.content, ANSWER);

  const { content, finish } = await streamedChat(h);
  assert.equal(content, ANSWER);
  assert.equal(finish, "stop");

  assert.equal(h.fake.runs.length, 4, "one Run per request");
  await assertAccountsReady(h);
  assert.ok(
    h.logLines.some((l) => / DEBUG /.test(l) && l.includes("ended cleanly without turn_ended")),
    "the clean end is noted at debug level",
  );
});

test("a clean end of stream before any text: an empty finished answer, not an error and not a re-run on another account", async (t) => {
  const h = await startHarness(t, { accounts: ["alpha", "beta"], scenario: { turns: [[{ end: true }]] } });

  const json = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: user });
  assert.equal(json.stop_reason, "end_turn");
  assert.deepEqual(json.content, []);

  const streamed = await h.anthropic().messages.stream({ model: MODEL, max_tokens: 100, messages: user }).finalMessage();
  assert.equal(streamed.stop_reason, "end_turn");
  assert.deepEqual(streamed.content, []);

  const chat = await h.openai().chat.completions.create({ model: "gpt-5", messages: user });
  assert.equal(chat.choices[0]!.finish_reason, "stop");
  assert.ok(!chat.choices[0]!.message.content, `empty content, got ${JSON.stringify(chat.choices[0]!.message.content)}`);

  const { content, finish } = await streamedChat(h);
  assert.equal(content, "");
  assert.equal(finish, "stop");

  assert.equal(h.fake.runs.length, 4, "each request ran once, on one account");
  await assertAccountsReady(h);
});
