// The Anthropic SDK against the relay backed by the fake Cursor, over real sockets.
import assert from "node:assert/strict";
import { test } from "node:test";
import type Anthropic from "@anthropic-ai/sdk";
import { BASH_TOOL_CALL_ID, TEXT_REPLY, TEXT_THINKING, TOOL_REPLY_PREFIX } from "../../fake-cursor/index.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { startHarness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";
const bash = {
  name: "Bash",
  description: "Run a shell command",
  input_schema: { type: "object" as const, properties: { command: { type: "string" } }, required: ["command"] },
};
const session = (id: string) => ({ user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: id }) });

test("non-streaming text turn: the model name is echoed, usage counted", async (t) => {
  const h = await startHarness(t);
  const msg = await h.anthropic().messages.create({ model: MODEL, max_tokens: 200, messages: [{ role: "user", content: "hi" }] });
  assert.equal(msg.model, MODEL);
  assert.equal(msg.stop_reason, "end_turn");
  assert.deepEqual(
    msg.content.filter((b) => b.type === "text").map((b) => (b.type === "text" ? b.text : "")),
    [TEXT_REPLY],
  );
  assert.equal(msg.usage.output_tokens, 5);
  assert.ok(msg.usage.input_tokens > 0);
  assert.equal(h.fake.runs.length, 1);
  assert.equal(h.fake.runs[0]!.userText, "hi");
  await h.fake.waitForIdle();
});

test("streaming with thinking: thinking block with signature, then text; the SDK's final message matches", async (t) => {
  const h = await startHarness(t);
  const stream = h.anthropic().messages.stream({
    model: MODEL,
    max_tokens: 2000,
    thinking: { type: "enabled", budget_tokens: 1024 },
    messages: [{ role: "user", content: "hi" }],
  });
  const final = await stream.finalMessage();
  assert.equal(final.content[0]?.type, "thinking");
  assert.equal(final.content[0]?.type === "thinking" ? final.content[0].thinking : "", TEXT_THINKING);
  assert.ok(final.content[0]?.type === "thinking" && final.content[0].signature.length > 0);
  assert.equal(final.content[1]?.type === "text" ? final.content[1].text : "", TEXT_REPLY);
  assert.equal(final.stop_reason, "end_turn");
  assert.equal(final.usage.output_tokens, 5);
});

test("tool call: the response ends with tool_use, the stream stays parked, the result goes back on the same stream", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash" });
  const client = h.anthropic();
  const metadata = session("tool-session-1");
  const user = { role: "user" as const, content: "run echo relay-ok" };
  const first = await client.messages.create({ model: MODEL, max_tokens: 1000, tools: [bash], metadata, messages: [user] });
  assert.equal(first.stop_reason, "tool_use");
  const call = first.content.find((b) => b.type === "tool_use");
  assert.ok(call && call.type === "tool_use");
  assert.equal(call.id, toClientToolId(BASH_TOOL_CALL_ID));
  assert.doesNotMatch(call.id, /\s/);
  assert.equal(call.name, "Bash");
  assert.deepEqual(call.input, { command: "echo relay-ok" });
  assert.equal(h.fake.openStreams, 1, "the upstream stream is parked, not closed");
  assert.deepEqual(h.fake.runs[0]!.toolNames, ["Bash"]);

  // The session so far: the question, the tool call and its result.
  const withResult: Anthropic.MessageParam[] = [
    user,
    { role: "assistant", content: first.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "relay-ok\n" }] },
  ];
  const second = await client.messages.create({ model: MODEL, max_tokens: 1000, tools: [bash], metadata, messages: withResult });
  assert.equal(second.stop_reason, "end_turn");
  assert.equal(second.content.map((b) => (b.type === "text" ? b.text : "")).join(""), `${TOOL_REPLY_PREFIX}relay-ok\n`);
  assert.equal(h.fake.runs.length, 1, "no second Run: the result went back on the original stream");
  assert.equal(h.fake.runs[0]!.toolResults[0]?.text, "relay-ok\n");
  assert.equal(h.fake.runs[0]!.toolResults[0]?.toolCallId, BASH_TOOL_CALL_ID, "the raw id, newline included, went back to Cursor");
  await h.fake.waitForIdle();

  // The next turn of the same session replays the checkpoint on the same account.
  const third = await client.messages.create({
    model: MODEL,
    max_tokens: 1000,
    tools: [bash],
    metadata,
    messages: [...withResult, { role: "assistant", content: second.content }, { role: "user", content: "thanks" }],
  });
  assert.equal(third.content.map((b) => (b.type === "text" ? b.text : "")).join(""), TEXT_REPLY);
  const run2 = h.fake.runs[1]!;
  assert.equal(run2.replayedCheckpoint, true);
  assert.equal(run2.userText, "thanks", "with a checkpoint only the newest user text is sent");
  assert.equal(run2.conversationId, h.fake.runs[0]!.conversationId);
});

test("two parallel tool calls in one turn: both handed out, both results go back, one Run", async (t) => {
  const h = await startHarness(t, {
    scenario: {
      turns: [
        [
          { toolCall: { name: "Bash", args: { command: "echo a" }, id: "call_a", wait: false } },
          { toolCall: { name: "Bash", args: { command: "echo b" }, id: "call_b\nsecond" } },
          { replyWithToolResult: "last: " },
          { turnEnded: true },
        ],
      ],
    },
  });
  const client = h.anthropic();
  const metadata = session("parallel");
  const user = { role: "user" as const, content: "run both" };
  const first = await client.messages.create({ model: MODEL, max_tokens: 1000, tools: [bash], metadata, messages: [user] });
  const calls = first.content.filter((b) => b.type === "tool_use");
  assert.equal(calls.length, 2);
  assert.deepEqual(
    calls.map((c) => (c.type === "tool_use" ? c.input : null)),
    [{ command: "echo a" }, { command: "echo b" }],
  );
  const results = calls.map((c) => ({ type: "tool_result" as const, tool_use_id: c.type === "tool_use" ? c.id : "", content: `out-${c.type === "tool_use" ? (c.input as { command: string }).command.slice(-1) : ""}` }));
  const second = await client.messages.create({
    model: MODEL,
    max_tokens: 1000,
    tools: [bash],
    metadata,
    messages: [user, { role: "assistant", content: first.content }, { role: "user", content: results }],
  });
  assert.equal(second.content.map((b) => (b.type === "text" ? b.text : "")).join(""), "last: out-b");
  assert.equal(h.fake.runs.length, 1);
  assert.deepEqual(
    h.fake.runs[0]!.toolResults.map((r) => [r.toolCallId, r.text]),
    [
      ["call_a", "out-a"],
      ["call_b\nsecond", "out-b"],
    ],
  );
});

test("a parked stream whose tool result never comes is closed after the park timeout", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash", relay: { sessions: { parkTimeoutMs: 300 } } });
  const first = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, tools: [bash], messages: [{ role: "user", content: "run" }] });
  assert.equal(first.stop_reason, "tool_use");
  assert.equal(h.fake.openStreams, 1);
  await h.fake.waitForIdle(3000);
  assert.equal(h.app.parts.sessions.liveCount, 0);
});
