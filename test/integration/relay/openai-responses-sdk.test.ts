// The OpenAI SDK's Responses API (responses.create / responses.stream) against the
// relay backed by the fake Cursor, over real sockets.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Step } from "../../fake-cursor/index.ts";
import { BASH_TOOL_CALL_ID, TEXT_REPLY, TEXT_THINKING, TEXT_TURN, TOOL_REPLY_PREFIX } from "../../fake-cursor/index.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { startHarness } from "../../support/relay-harness.ts";

const bash = {
  type: "function" as const,
  name: "Bash",
  description: "Run a shell command",
  strict: false,
  parameters: { type: "object", properties: { command: { type: "string" } } },
};
const read = { ...bash, name: "Read", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } };

const PARALLEL_TURN: Step[] = [
  { toolCall: { name: "Bash", args: { command: "echo one" }, id: "call_a", wait: false } },
  { toolCall: { name: "Read", args: { path: "/tmp/x" }, id: "call_b" } },
  { replyWithToolResult: TOOL_REPLY_PREFIX },
  { tokens: 4 },
  { checkpoint: true },
  { turnEnded: true },
];

test("responses.create, non-streaming: text, reasoning summary, usage", async (t) => {
  const h = await startHarness(t);
  const res = await h.openai().responses.create({ model: "gpt-5", input: "hi", instructions: "be brief", reasoning: { summary: "auto" } });
  assert.equal(res.object, "response");
  assert.equal(res.status, "completed");
  assert.equal(res.model, "gpt-5");
  assert.equal(res.output_text, TEXT_REPLY);
  const reasoning = res.output.find((i) => i.type === "reasoning");
  assert.deepEqual(reasoning?.type === "reasoning" ? reasoning.summary : null, [{ type: "summary_text", text: TEXT_THINKING }]);
  assert.equal(res.usage?.output_tokens, 5);
  assert.equal(res.usage?.input_tokens_details.cached_tokens, 0);
  assert.equal(res.usage?.total_tokens, (res.usage?.input_tokens ?? 0) + 5);
  assert.equal(h.fake.runs[0]!.systemPrompt, "be brief");
});

test("responses.stream: the SDK's accumulated response equals response.completed; sequence numbers count up", async (t) => {
  const h = await startHarness(t);
  const stream = h.openai().responses.stream({ model: "gpt-5", input: [{ role: "user", content: "hi" }], reasoning: { summary: "auto" } });
  const types: string[] = [];
  const sequence: number[] = [];
  let text = "";
  let summary = "";
  for await (const ev of stream) {
    types.push(ev.type);
    sequence.push(ev.sequence_number);
    if (ev.type === "response.output_text.delta") text += ev.delta;
    if (ev.type === "response.reasoning_summary_text.delta") summary += ev.delta;
  }
  const final = await stream.finalResponse();
  assert.equal(text, TEXT_REPLY);
  assert.equal(summary, TEXT_THINKING);
  assert.equal(final.output_text, TEXT_REPLY);
  assert.equal(final.status, "completed");
  assert.equal(final.usage?.output_tokens, 5);
  assert.deepEqual(sequence, sequence.map((_, i) => i));
  assert.equal(types[0], "response.created");
  assert.equal(types[1], "response.in_progress");
  assert.equal(types.at(-1), "response.completed");
  for (const required of ["response.output_item.added", "response.content_part.added", "response.output_text.done", "response.content_part.done", "response.output_item.done"]) {
    assert.ok(types.includes(required), `${required} missing: ${types.join(",")}`);
  }
});

test("parallel tool calls stream as two function_call items; their outputs resume the same Run", async (t) => {
  const h = await startHarness(t, { scenario: { accounts: { "*": [PARALLEL_TURN, TEXT_TURN] } } });
  const client = h.openai();
  const stream = client.responses.stream({ model: "gpt-5", input: "run both", tools: [bash, read], parallel_tool_calls: true });
  let argumentDone = 0;
  for await (const ev of stream) if (ev.type === "response.function_call_arguments.done") argumentDone++;
  const first = await stream.finalResponse();
  const calls = first.output.filter((i) => i.type === "function_call");
  assert.equal(argumentDone, 2);
  assert.deepEqual(
    calls.map((c) => [c.name, JSON.parse(c.arguments), c.call_id]),
    [
      ["Bash", { command: "echo one" }, toClientToolId("call_a")],
      ["Read", { path: "/tmp/x" }, toClientToolId("call_b")],
    ],
  );
  assert.equal(first.status, "completed");

  const second = await client.responses.create({
    model: "gpt-5",
    tools: [bash, read],
    input: [
      { role: "user", content: "run both" },
      ...calls.map((c) => ({ type: "function_call" as const, call_id: c.call_id, name: c.name, arguments: c.arguments })),
      { type: "function_call_output", call_id: calls[0]!.call_id, output: "one\n" },
      { type: "function_call_output", call_id: calls[1]!.call_id, output: "contents" },
    ],
  });
  assert.equal(second.output_text, `${TOOL_REPLY_PREFIX}contents`);
  assert.equal(h.fake.runs.length, 1, "the tool outputs went back on the parked Run");
  assert.deepEqual(
    h.fake.runs[0]!.toolResults.map((r) => [r.toolCallId, r.text]),
    [
      ["call_a", "one\n"],
      ["call_b", "contents"],
    ],
  );
});

test("previous_response_id: a tool output continues the parked Run, a new message replays the checkpoint", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash" });
  const client = h.openai();
  const first = await client.responses.create({ model: "gpt-5", input: "run echo relay-ok", tools: [bash] });
  const call = first.output.find((i) => i.type === "function_call");
  assert.ok(call?.type === "function_call");
  assert.equal(call.call_id, toClientToolId(BASH_TOOL_CALL_ID));
  const second = await client.responses.create({
    model: "gpt-5",
    previous_response_id: first.id,
    tools: [bash],
    input: [{ type: "function_call_output", call_id: call.call_id, output: "relay-ok\n" }],
  });
  assert.equal(second.output_text, `${TOOL_REPLY_PREFIX}relay-ok\n`);
  assert.equal(second.previous_response_id, first.id);
  assert.equal(h.fake.runs.length, 1);
  const third = await client.responses.create({ model: "gpt-5", previous_response_id: second.id, input: "and now hello" });
  assert.equal(third.output_text, TEXT_REPLY);
  const resumed = h.fake.runs[1]!;
  assert.equal(resumed.conversationId, h.fake.runs[0]!.conversationId);
  assert.equal(resumed.replayedCheckpoint, true);
  assert.equal(resumed.userText, "and now hello");
});

test("errors come in OpenAI's format: unknown previous_response_id, unsupported tool type, zstd body", async (t) => {
  const h = await startHarness(t);
  const client = h.openai({ maxRetries: 0 });
  await assert.rejects(client.responses.create({ model: "gpt-5", input: "hi", previous_response_id: "resp_nope" }), (e: { status?: number; error?: { type?: string } }) => {
    assert.equal(e.status, 400);
    assert.equal(e.error?.type, "invalid_request_error");
    return true;
  });
  await assert.rejects(client.responses.create({ model: "gpt-5", input: "hi", tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }), (e: { status?: number; message?: string }) => {
    assert.equal(e.status, 400);
    assert.match(e.message ?? "", /tools\.0\.type: tool type "file_search" is not supported/);
    return true;
  });
  const zstd = await fetch(`${h.url}/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json", "content-encoding": "zstd" },
    body: new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0]),
  });
  assert.equal(zstd.status, 415);
  const body = (await zstd.json()) as { error: { type: string; message: string } };
  assert.equal(body.error.type, "invalid_request_error");
  assert.match(body.error.message, /content-encoding "zstd" is not supported/);
  assert.equal(h.fake.runs.length, 0);
});

test("a gzip-compressed body is read", async (t) => {
  const { gzipSync } = await import("node:zlib");
  const h = await startHarness(t);
  const res = await fetch(`${h.url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json", "content-encoding": "gzip" },
    body: gzipSync(JSON.stringify({ model: "gpt-5", input: "hi" })),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { output: { type: string; content?: { text: string }[] }[] };
  assert.equal(body.output.find((i) => i.type === "message")?.content?.[0]?.text, TEXT_REPLY);
});
