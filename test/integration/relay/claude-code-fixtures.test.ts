// The requests Claude Code 2.1.197 really sends (test/fixtures/claude-code), replayed
// byte for byte against the relay: the HEAD probe, a first turn and a tool-result turn.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { TEXT_REPLY } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";
import { parseSse } from "../../support/sse.ts";

interface Fixture {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/claude-code/${name}`, import.meta.url), "utf8")) as Fixture;

async function replay(url: string, key: string, f: Fixture): Promise<Response> {
  const headers: Record<string, string> = { ...f.headers, authorization: `Bearer ${key}` };
  for (const h of ["host", "content-length", "connection", "accept-encoding"]) delete headers[h];
  return fetch(url + f.url, { method: f.method, headers, ...(f.body === null || f.body === undefined ? {} : { body: JSON.stringify(f.body) }) });
}

/** The text of an Anthropic SSE stream's text deltas, and its event names. */
function readSse(text: string): { events: string[]; text: string; stop: string | null } {
  const events: string[] = [];
  let out = "";
  let stop: string | null = null;
  for (const { event, data } of parseSse(text)) {
    if (!event || !data) continue;
    events.push(event);
    const d = JSON.parse(data) as { delta?: { type?: string; text?: string; stop_reason?: string } };
    if (d.delta?.type === "text_delta") out += d.delta.text;
    if (d.delta?.stop_reason) stop = d.delta.stop_reason;
  }
  return { events, text: out, stop };
}

test("the HEAD / probe needs no key and gets 200", async (t) => {
  const h = await startHarness(t);
  const res = await fetch(h.url + "/", { method: "HEAD", headers: fixture("probe-head.json").headers });
  assert.equal(res.status, 200);
});

test("Claude Code's first-turn request (24 tools, system blocks, system role in messages, adaptive thinking) streams an answer", async (t) => {
  const h = await startHarness(t);
  const f = fixture("first-turn-request.json");
  const res = await replay(h.url, h.key, f);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
  const sse = readSse(await res.text());
  assert.equal(sse.text, TEXT_REPLY);
  assert.equal(sse.stop, "end_turn");
  assert.equal(sse.events[0], "message_start");
  assert.equal(sse.events.at(-1), "message_stop");
  assert.ok(sse.events.includes("content_block_delta"));
  const run = h.fake.runs[0]!;
  assert.equal(run.toolNames.length, 24);
  assert.match(run.userText, /say hello/);
  assert.ok(run.systemPrompt?.includes("You are a Claude agent"), "the system blocks became the root prompt");
  assert.ok(run.systemPrompt?.includes("Available agent types"), "the system role inside messages was folded into it");
  assert.doesNotMatch(run.systemPrompt ?? "", /x-anthropic-billing-header/);
});

test("Claude Code's tool-result turn with no parked stream is flattened onto a fresh Run", async (t) => {
  const h = await startHarness(t);
  const res = await replay(h.url, h.key, fixture("tool-result-turn-request.json"));
  assert.equal(res.status, 200);
  assert.equal(readSse(await res.text()).text, TEXT_REPLY);
  const text = h.fake.runs[0]!.userText;
  assert.match(text, /USER: [\s\S]*run echo relay-ok/);
  assert.match(text, /ASSISTANT: Running it\./);
  assert.match(text, /ASSISTANT_TOOL_CALL: \{"arguments":"\{\\"command\\":\\"echo relay-ok\\",\\"description\\":\\"say ok\\"\}","id":"toolu_01","name":"Bash"\}/);
  assert.match(text, /TOOL_RESULT: \{"content":"relay-ok","tool_call_id":"toolu_01"\}/);
  assert.equal(h.fake.runs[0]!.replayedCheckpoint, false);
});

test("count_tokens and the Anthropic model list through the SDK", async (t) => {
  const h = await startHarness(t);
  const client = h.anthropic();
  const counted = await client.messages.countTokens({ model: "claude-opus-4-8", messages: [{ role: "user", content: "hello ".repeat(400) }] });
  assert.ok(counted.input_tokens > 400 && counted.input_tokens < 2000, String(counted.input_tokens));
  const models = await client.models.list();
  assert.ok(models.data.some((m) => m.id === "composer-2"));
  assert.equal(h.fake.runs.length, 0, "neither touches a Run");
});
