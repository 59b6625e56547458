// tool_choice against the fake Cursor, over real sockets: the fake's records show which
// tools the Run offered, the instruction on the user text, and how a call the client did
// not allow was answered upstream (rejected) while the client never saw it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scenario, Step } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";
const schema = { type: "object" as const, properties: { x: { type: "string" } } };
const anthropicTools = ["Bash", "Read"].map((name) => ({ name, description: name, input_schema: schema }));
const openAiTools = ["Bash", "Read"].map((name) => ({ type: "function" as const, function: { name, description: name, parameters: schema } }));

test("tool_choice none: no tool offered upstream; a call Cursor makes anyway is rejected upstream and never reaches the client", async (t) => {
  const scenario: Scenario = {
    turns: [[{ toolCall: { name: "Bash", args: { x: "1" }, id: "call-refused" } }, { text: "answered directly" }, { tokens: 2 }, { turnEnded: true }]],
  };
  const h = await startHarness(t, { scenario });
  const res = await h.anthropic().messages.create({
    model: MODEL,
    max_tokens: 100,
    tools: anthropicTools,
    tool_choice: { type: "none" },
    messages: [{ role: "user", content: "do it" }],
  });
  assert.equal(res.stop_reason, "end_turn");
  assert.deepEqual(res.content.map((b) => b.type), ["text"]);
  const run = h.fake.runs[0]!;
  assert.deepEqual(run.toolNames, []);
  assert.match(run.userText, /^do it\n\nDo not call any tool/);
  assert.equal(run.toolResults.length, 1);
  assert.equal(run.toolResults[0]!.kind, "rejected");
  assert.match(run.toolResults[0]!.text, /"Bash" is not available/);
});

test("a named tool is the only one offered, the model is told to call it, and it reaches the client (OpenAI)", async (t) => {
  const scenario: Scenario = { turns: [[{ toolCall: { name: "Read", args: { x: "README" }, id: "call-read" } }, { turnEnded: true }]] };
  const h = await startHarness(t, { scenario });
  const res = await h.openai().chat.completions.create({
    model: "gpt-5",
    tools: openAiTools,
    tool_choice: { type: "function", function: { name: "Read" } },
    messages: [{ role: "user", content: "read it" }],
  });
  assert.equal(res.choices[0]!.finish_reason, "tool_calls");
  const calls = res.choices[0]!.message.tool_calls!;
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.type === "function" && calls[0]!.function.name, "Read");
  const run = h.fake.runs[0]!;
  assert.deepEqual(run.toolNames, ["Read"]);
  assert.match(run.userText, /You must call the tool "Read"/);
});

test("a named tool: a call to another tool is rejected upstream; any/required instructs a call with every tool offered", async (t) => {
  const scenario: Scenario = {
    turns: [
      [{ toolCall: { name: "Bash", args: { x: "1" }, id: "call-other" } }, { text: "ok" }, { turnEnded: true }],
      [{ text: "fine" }, { turnEnded: true }],
    ],
  };
  const h = await startHarness(t, { scenario });
  const named = await h.anthropic().messages.create({
    model: MODEL,
    max_tokens: 50,
    tools: anthropicTools,
    tool_choice: { type: "tool", name: "Read" },
    messages: [{ role: "user", content: "first" }],
  });
  assert.deepEqual(named.content.map((b) => b.type), ["text"]);
  assert.equal(h.fake.runs[0]!.toolResults[0]!.kind, "rejected");
  await h.openai().chat.completions.create({ model: "gpt-5", tools: openAiTools, tool_choice: "required", messages: [{ role: "user", content: "second" }] });
  const run = h.fake.runs[1]!;
  assert.deepEqual(run.toolNames, ["Bash", "Read"]);
  assert.match(run.userText, /You must call at least one of the available tools/);
});

test("parallel_tool_calls false: two calls Cursor makes at once reach the client one response at a time, on the same stream", async (t) => {
  const scenario: Scenario = {
    turns: [
      [
        { toolCall: { name: "Bash", args: { x: "a" }, id: "call-a", wait: false } },
        { toolCall: { name: "Read", args: { x: "b" }, id: "call-b" } },
        { text: "both done" },
        { turnEnded: true },
      ],
    ],
  };
  const h = await startHarness(t, { scenario });
  const client = h.openai();
  type Msg = Parameters<typeof client.chat.completions.create>[0]["messages"][number];
  const messages: Msg[] = [{ role: "user", content: "run both" }];
  const ask = () => client.chat.completions.create({ model: "gpt-5", tools: openAiTools, parallel_tool_calls: false, messages });
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await ask();
    const calls = res.choices[0]!.message.tool_calls ?? [];
    assert.equal(calls.length, 1, `response ${i} holds one call`);
    const call = calls[0]!;
    assert.ok(call.type === "function");
    names.push(call.function.name);
    messages.push({ role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: call.id, content: `result ${i}` });
  }
  const last = await ask();
  assert.equal(last.choices[0]!.message.content, "both done");
  assert.deepEqual(names, ["Bash", "Read"]);
  assert.equal(h.fake.runs.length, 1, "one Run served all three responses");
  assert.deepEqual(h.fake.runs[0]!.toolResults.map((r) => [r.toolCallId, r.text, r.kind]), [
    ["call-a", "result 0", "success"],
    ["call-b", "result 1", "success"],
  ]);
});

test("Responses API: tool_choice none offers no tool and a stray call is rejected upstream; a named function is the only one offered", async (t) => {
  const scenario: Scenario = {
    turns: [
      [{ toolCall: { name: "Bash", args: { x: "1" }, id: "call-refused" } }, { text: "answered directly" }, { tokens: 2 }, { turnEnded: true }],
      [{ toolCall: { name: "Read", args: { x: "README" }, id: "call-read" } }, { turnEnded: true }],
    ],
  };
  const h = await startHarness(t, { scenario });
  const tools = ["Bash", "Read"].map((name) => ({ type: "function" as const, name, description: name, parameters: schema, strict: false }));
  const none = await h.openai().responses.create({ model: "gpt-5", tools, tool_choice: "none", input: "do it" });
  assert.deepEqual(none.output.map((o) => o.type), ["message"]);
  assert.deepEqual(h.fake.runs[0]!.toolNames, []);
  assert.equal(h.fake.runs[0]!.toolResults[0]!.kind, "rejected");

  const named = await h.openai().responses.create({ model: "gpt-5", tools, tool_choice: { type: "function", name: "Read" }, input: "read it" });
  assert.deepEqual(named.output.map((o) => o.type === "function_call" && o.name), ["Read"]);
  assert.deepEqual(h.fake.runs[1]!.toolNames, ["Read"]);
});

test("a call of a tool the client never declared is rejected upstream and never reaches the client (Anthropic, OpenAI, Gemini)", async (t) => {
  const turn: Step[] = [{ toolCall: { name: "relay_secret_tool", args: { x: "1" }, id: "call-undeclared" } }, { text: "answered without it" }, { tokens: 2 }, { turnEnded: true }];
  const h = await startHarness(t, { scenario: { turns: [turn, turn, turn] } });
  const a = await h.anthropic().messages.create({ model: MODEL, max_tokens: 100, tools: anthropicTools, messages: [{ role: "user", content: "one" }] });
  assert.deepEqual(a.content.map((b) => b.type), ["text"]);
  const o = await h.openai().chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "two" }] });
  assert.equal(o.choices[0]!.message.tool_calls, undefined);
  const g = await fetch(`${h.url}/v1beta/models/gemini-2.5-pro:generateContent`, {
    method: "POST",
    headers: { "x-goog-api-key": h.key, "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "three" }] }] }),
  });
  const body = (await g.json()) as { candidates: { content: { parts: Record<string, unknown>[] } }[] };
  assert.ok(body.candidates[0]!.content.parts.every((p) => !("functionCall" in p)), JSON.stringify(body));
  assert.deepEqual(
    h.fake.runs.map((r) => r.toolResults.map((x) => x.kind)),
    [["rejected"], ["rejected"], ["rejected"]],
  );
});

test("a choice the declared tools cannot meet is a 400 in each client's own error format, before any Run (Gemini, Responses)", async (t) => {
  const h = await startHarness(t);
  const gemini = (body: unknown) =>
    fetch(`${h.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": h.key, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "go" }] }], ...(body as object) }),
    });
  const anyWithoutTools = await gemini({ toolConfig: { functionCallingConfig: { mode: "ANY" } } });
  assert.equal(anyWithoutTools.status, 400);
  assert.deepEqual(await anyWithoutTools.json(), {
    error: { code: 400, message: "toolConfig.functionCallingConfig.mode: requires a tool call, but `tools` is empty", status: "INVALID_ARGUMENT" },
  });
  const notDeclared = await gemini({
    tools: [{ functionDeclarations: [{ name: "Read", parametersJsonSchema: schema }] }],
    toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["Write"] } },
  });
  assert.equal(notDeclared.status, 400);
  assert.deepEqual(await notDeclared.json(), {
    error: { code: 400, message: 'toolConfig.functionCallingConfig.allowedFunctionNames.0: names the tool "Write", which is not in `tools`', status: "INVALID_ARGUMENT" },
  });

  const client = h.openai({ maxRetries: 0 });
  const openAiError = (message: RegExp) => (e: { status?: number; error?: { type?: string; message?: string } }) => {
    assert.equal(e.status, 400);
    assert.equal(e.error?.type, "invalid_request_error");
    assert.match(e.error?.message ?? "", message);
    return true;
  };
  await assert.rejects(client.responses.create({ model: "gpt-5", input: "go", tool_choice: "required", stream: true }), openAiError(/^tool_choice: requires a tool call, but `tools` is empty$/));
  const tools = [{ type: "function" as const, name: "Read", parameters: schema, strict: false }];
  await assert.rejects(
    client.responses.create({ model: "gpt-5", input: "go", tools, tool_choice: { type: "function", name: "Write" } }),
    openAiError(/^tool_choice: names the tool "Write", which is not in `tools`$/),
  );
  assert.equal(h.fake.runs.length, 0);
});
