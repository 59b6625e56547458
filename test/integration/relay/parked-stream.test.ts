// A stream parked on tool calls the client never answers is not held for the park
// timeout once the client has clearly moved on: the next turn of the same conversation
// that does not carry those results closes it at once — also when the parked stream
// served a concurrent request beside a busy one (a detached session). A turn that does
// carry the results resumes that stream, detached or not.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scenario, Turn } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";
import { until } from "../../support/until.ts";

const MODEL = "claude-opus-4-8";
const tools = [{ name: "Bash", description: "run", input_schema: { type: "object" as const, properties: { command: { type: "string" } } } }];

const slowAnswer = [{ text: "slow " }, { sleepMs: 300 }, { text: "answer" }, { turnEnded: true }];
const toolTurn = [{ toolCall: { name: "Bash", args: { command: "ls" }, id: "call-detached" } }, { text: "after tool" }, { turnEnded: true }];

async function detachedParked(t: Parameters<typeof startHarness>[0], third: Turn) {
  const h = await startHarness(t, { scenario: { turns: [slowAnswer, toolTurn, third] } as Scenario });
  const client = h.anthropic();
  const first = [{ role: "user" as const, content: "question" }];
  const busy = client.messages.create({ model: MODEL, max_tokens: 50, tools, messages: first });
  await until("the first Run", () => h.fake.runs.length === 1);
  const beside = await client.messages.create({ model: MODEL, max_tokens: 50, tools, messages: first });
  assert.equal(beside.stop_reason, "tool_use");
  assert.equal((await busy).stop_reason, "end_turn");
  assert.equal(h.fake.runs[1]!.streamClosed, false, "the detached stream is parked on its tool call");
  return { h, client, first, beside };
}

test("a new turn without the results closes a parked stream (served beside a busy one) at once", async (t) => {
  const { h, client, first } = await detachedParked(t, [{ text: "moved on" }, { turnEnded: true }]);
  const next = await client.messages.create({
    model: MODEL,
    max_tokens: 50,
    tools,
    messages: [...first, { role: "assistant", content: "slow answer" }, { role: "user", content: "something else" }],
  });
  assert.equal(next.content[0]!.type === "text" && next.content[0]!.text, "moved on");
  await until("the parked stream closed", () => h.fake.runs[1]!.streamClosed);
  assert.equal(h.fake.runs[1]!.toolResults.length, 0);
  await h.fake.waitForIdle(2000);
  assert.equal(h.app.parts.sessions.liveCount, 0);
});

test("a turn that carries the results resumes the parked stream served beside a busy one", async (t) => {
  const { h, client, first, beside } = await detachedParked(t, [{ text: "unused" }, { turnEnded: true }]);
  const call = beside.content.find((b) => b.type === "tool_use")!;
  assert.ok(call.type === "tool_use");
  const resumed = await client.messages.create({
    model: MODEL,
    max_tokens: 50,
    tools,
    messages: [...first, { role: "assistant", content: [call] }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "files" }] }],
  });
  assert.equal(resumed.content[0]!.type === "text" && resumed.content[0]!.text, "after tool");
  assert.equal(h.fake.runs.length, 2, "no new Run: the result went back on the parked stream");
  assert.deepEqual(h.fake.runs[1]!.toolResults.map((r) => r.text), ["files"]);
});
