// The OpenAI SDK against the relay backed by the fake Cursor, over real sockets.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BASH_TOOL_CALL_ID, TEXT_REPLY, TEXT_THINKING, TOOL_REPLY_PREFIX } from "../../fake-cursor/index.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { startHarness } from "../../support/relay-harness.ts";

const tools = [
  {
    type: "function" as const,
    function: { name: "Bash", description: "Run a shell command", parameters: { type: "object", properties: { command: { type: "string" } } } },
  },
];

test("non-streaming chat completion", async (t) => {
  const h = await startHarness(t);
  const res = await h.openai().chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] });
  assert.equal(res.model, "gpt-5");
  assert.equal(res.choices[0]?.message.content, TEXT_REPLY);
  assert.equal(res.choices[0]?.finish_reason, "stop");
  assert.equal(res.usage?.completion_tokens, 5);
  assert.equal(res.usage?.total_tokens, (res.usage?.prompt_tokens ?? 0) + 5);
});

test("streaming: content and reasoning deltas, a usage chunk, [DONE]", async (t) => {
  const h = await startHarness(t);
  const stream = await h.openai().chat.completions.create({
    model: "gpt-5",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }],
  });
  let content = "";
  let reasoning = "";
  let finish: string | null = null;
  let usage: { completion_tokens: number } | null = null;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
    content += delta?.content ?? "";
    reasoning += delta?.reasoning_content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(content, TEXT_REPLY);
  assert.equal(reasoning, TEXT_THINKING);
  assert.equal(finish, "stop");
  assert.equal(usage?.completion_tokens, 5);
  assert.equal(h.fake.runs[0]!.systemPrompt, "be brief");
});

test("tools, streaming: tool_calls delta and finish_reason tool_calls; the result resumes the same stream", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash" });
  const client = h.openai();
  const messages: Parameters<typeof client.chat.completions.create>[0]["messages"] = [{ role: "user", content: "run echo relay-ok" }];
  const stream = await client.chat.completions.create({ model: "gpt-5", stream: true, tools, messages });
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finish: string | null = null;
  for await (const chunk of stream) {
    for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
      const c = calls.get(tc.index) ?? { id: "", name: "", args: "" };
      c.id += tc.id ?? "";
      c.name += tc.function?.name ?? "";
      c.args += tc.function?.arguments ?? "";
      calls.set(tc.index, c);
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, "tool_calls");
  const call = calls.get(0)!;
  assert.equal(call.id, toClientToolId(BASH_TOOL_CALL_ID));
  assert.equal(call.name, "Bash");
  assert.deepEqual(JSON.parse(call.args), { command: "echo relay-ok" });

  const done = await client.chat.completions.create({
    model: "gpt-5",
    tools,
    messages: [
      ...messages,
      { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: call.args } }] },
      { role: "tool", tool_call_id: call.id, content: "relay-ok\n" },
    ],
  });
  assert.equal(done.choices[0]?.message.content, `${TOOL_REPLY_PREFIX}relay-ok\n`);
  assert.equal(h.fake.runs.length, 1);
  assert.equal(h.fake.runs[0]!.toolResults[0]?.text, "relay-ok\n");
});

test("tools, non-streaming: the tool call comes back in message.tool_calls", async (t) => {
  const h = await startHarness(t, { scenario: "tool-bash" });
  const res = await h.openai().chat.completions.create({ model: "gpt-5", tools, messages: [{ role: "user", content: "run it" }] });
  assert.equal(res.choices[0]?.finish_reason, "tool_calls");
  const tc = res.choices[0]?.message.tool_calls?.[0];
  assert.ok(tc && tc.type === "function");
  assert.deepEqual(JSON.parse(tc.function.arguments), { command: "echo relay-ok" });
});

test("models: the OpenAI list shape without anthropic-version", async (t) => {
  const h = await startHarness(t);
  const list = await h.openai().models.list();
  const ids = list.data.map((m) => m.id);
  assert.ok(ids.length > 0);
  assert.ok(ids.includes("composer-2"), ids.join(","));
});
