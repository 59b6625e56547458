import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseResponsesRequest } from "../../../app/gateway/responses/parse-request.ts";
import { expectInvalidRequest } from "../../support/relay-error.ts";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/codex/first-turn-request.json", import.meta.url), "utf8")) as {
  headers: Record<string, string>;
  body: Record<string, unknown>;
};

const parse = (body: Record<string, unknown>, headers: Record<string, string | undefined> = {}) => parseResponsesRequest({ model: "gpt-5", ...body }, headers);

const rejects = (body: Record<string, unknown>, message: RegExp) => expectInvalidRequest(() => parse(body), message);

test("Codex's real first turn: developer messages are the system prompt, the session id comes from its headers", () => {
  const { chat, echo } = parseResponsesRequest(fixture.body, fixture.headers);
  assert.equal(chat.api, "responses");
  assert.equal(chat.stream, true);
  assert.match(chat.system, /^You are a coding agent running in the Codex CLI/);
  assert.match(chat.system, /<skills_instructions>/);
  assert.deepEqual(
    chat.transcript.map((e) => e.role),
    ["user", "user"],
  );
  const last = chat.transcript.at(-1);
  assert.equal(last?.role === "user" ? last.text : null, "list the files here");
  assert.equal(chat.sessionId, fixture.headers["session-id"]);
  assert.equal(chat.showThinking, true, "reasoning.summary auto");
  assert.deepEqual(chat.toolChoice, { mode: "auto" });
  assert.equal(echo.store, false);
  assert.equal(echo.parallelToolCalls, true);
});

test("Codex's tools: functions as sent, namespace tools flattened and mapped back, web_search left out", () => {
  const { chat, toolNames } = parseResponsesRequest(fixture.body, fixture.headers);
  const names = chat.tools.map((t) => t.name);
  for (const n of ["exec_command", "write_stdin", "request_user_input", "view_image", "get_goal", "create_goal", "update_goal"]) assert.ok(names.includes(n), n);
  assert.ok(names.includes("multi_agent_v1__spawn_agent"), names.join(","));
  assert.deepEqual(toolNames.get("multi_agent_v1__spawn_agent"), { name: "spawn_agent", namespace: "multi_agent_v1", custom: false });
  assert.deepEqual(toolNames.get("exec_command"), { name: "exec_command", custom: false });
  assert.ok(!names.some((n) => n.includes("web_search")));
  const exec = chat.tools.find((t) => t.name === "exec_command")!;
  assert.deepEqual((exec.inputSchema as { required: string[] }).required, ["cmd"]);
});

test("Codex's default model declares its tools in an additional_tools item: a namespaced freeform exec tool and functions", () => {
  const captured = JSON.parse(readFileSync(new URL("../../fixtures/codex/default-model-first-turn-request.json", import.meta.url), "utf8")) as typeof fixture;
  assert.equal(captured.body.tools, undefined);
  const { chat, toolNames } = parseResponsesRequest(captured.body, captured.headers);
  const names = chat.tools.map((t) => t.name);
  assert.ok(names.includes("functions__exec"), names.join(","));
  assert.ok(names.includes("collaboration__spawn_agent"), names.join(","));
  assert.deepEqual(toolNames.get("functions__exec"), { name: "exec", namespace: "functions", custom: true });
  assert.deepEqual(chat.tools.find((t) => t.name === "functions__exec")!.inputSchema, {
    type: "object",
    properties: { input: { type: "string", description: "The raw input for this tool, in the format its description asks for." } },
    required: ["input"],
  });
  assert.match(chat.system, /You are Codex/);
  assert.equal(chat.transcript.at(-1)?.role === "user" && (chat.transcript.at(-1) as { text: string }).text, "say hi");
});

test("additional_tools given again replace the earlier definition; within one list a duplicate is a 400", () => {
  const fn = (description: string) => ({ type: "function", name: "f", description, parameters: { type: "object" } });
  const { chat } = parse({
    input: [
      { type: "additional_tools", role: "developer", tools: [fn("old")] },
      { role: "user", content: "hi" },
      { type: "additional_tools", role: "developer", tools: [fn("new")] },
    ],
    tools: [fn("top")],
  });
  assert.deepEqual(
    chat.tools.map((t) => t.description),
    ["new"],
  );
  rejects({ input: [{ type: "additional_tools", tools: [fn("a"), fn("b")] }, { role: "user", content: "hi" }] }, /^input\.0\.tools\.1\.name: duplicate tool name "f"$/);
});

test("session id: session-id header, else prompt_cache_key, else x-codex-turn-metadata; none for plain clients", () => {
  assert.equal(parse({ input: "hi", prompt_cache_key: "pck" }, { "session-id": "sid" }).chat.sessionId, "sid");
  assert.equal(parse({ input: "hi", prompt_cache_key: "pck" }).chat.sessionId, "pck");
  assert.equal(parse({ input: "hi" }, { "x-codex-turn-metadata": '{"session_id":"meta"}' }).chat.sessionId, "meta");
  assert.equal(parse({ input: "hi" }, { "x-codex-turn-metadata": "not json" }).chat.sessionId, null);
  assert.equal(parse({ input: "hi" }).chat.sessionId, null);
});

test("input items: a replayed turn with reasoning, parallel namespaced calls and their outputs", () => {
  const { chat } = parse({
    instructions: "be brief",
    input: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "go" }, { type: "input_image", image_url: "data:image/png;base64,AAEC" }] },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }], encrypted_content: null },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Running." }] },
      { type: "function_call", call_id: "c1", name: "exec_command", arguments: '{"cmd":"ls"}' },
      { type: "function_call", call_id: "c2", name: "spawn_agent", namespace: "multi_agent_v1", arguments: "{}" },
      { type: "custom_tool_call", call_id: "c3", name: "apply_patch", input: "*** Begin Patch" },
      { type: "function_call_output", call_id: "c1", output: "a.txt" },
      { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "agent 7" }] },
      { type: "custom_tool_call_output", call_id: "c3", output: "ok" },
    ],
  });
  assert.equal(chat.system, "be brief");
  assert.deepEqual(chat.transcript, [
    { role: "user", text: "go", images: [{ mimeType: "image/png", data: new Uint8Array([0, 1, 2]) }] },
    {
      role: "assistant",
      text: "Running.",
      toolCalls: [
        { id: "c1", name: "exec_command", argumentsJson: '{"cmd":"ls"}' },
        { id: "c2", name: "multi_agent_v1__spawn_agent", argumentsJson: "{}" },
        { id: "c3", name: "apply_patch", argumentsJson: '{"input":"*** Begin Patch"}' },
      ],
    },
    { role: "tool", toolCallId: "c1", content: "a.txt", isError: false },
    { role: "tool", toolCallId: "c2", content: "agent 7", isError: false },
    { role: "tool", toolCallId: "c3", content: "ok", isError: false },
  ]);
});

test("a string input is one user message; max_output_tokens, metadata and previous_response_id are kept", () => {
  const { chat, echo } = parse({ input: "hello", max_output_tokens: 300, metadata: { a: "b" }, previous_response_id: "resp_1", store: true });
  assert.deepEqual(chat.transcript, [{ role: "user", text: "hello", images: [] }]);
  assert.equal(chat.maxTokens, 300);
  assert.equal(chat.stream, false);
  assert.equal(chat.showThinking, false);
  assert.deepEqual(echo.metadata, { a: "b" });
  assert.equal(echo.previousResponseId, "resp_1");
});

test("custom (freeform) tools become a function with one string input; the grammar goes into the description", () => {
  const { chat, toolNames } = parse({
    input: "hi",
    tools: [{ type: "custom", name: "apply_patch", description: "Edit files", format: { type: "grammar", syntax: "lark", definition: "start: ..." } }],
  });
  assert.deepEqual(chat.tools[0]!.inputSchema, {
    type: "object",
    properties: { input: { type: "string", description: "The raw input for this tool, in the format its description asks for." } },
    required: ["input"],
  });
  assert.match(chat.tools[0]!.description, /^Edit files\n\nThe `input` argument must follow this lark grammar:\nstart: \.\.\.$/);
  assert.deepEqual(toolNames.get("apply_patch"), { name: "apply_patch", custom: true });
});

test("tool_choice: none, a named function (which must exist), allowed_tools' mode; parallel_tool_calls: false", () => {
  const tools = [{ type: "function", name: "f", parameters: { type: "object" } }];
  assert.deepEqual(parse({ input: "hi", tools, tool_choice: "none" }).chat.toolChoice, { mode: "none" });
  assert.deepEqual(parse({ input: "hi", tools, tool_choice: "required" }).chat.toolChoice, { mode: "required" });
  assert.deepEqual(parse({ input: "hi", tools, tool_choice: { type: "function", name: "f" } }).chat.toolChoice, { mode: "tool", name: "f" });
  assert.deepEqual(parse({ input: "hi", tools, tool_choice: { type: "allowed_tools", mode: "required", tools: [] } }).chat.toolChoice, { mode: "required" });
  assert.equal(parse({ input: "hi", tools, parallel_tool_calls: false }).chat.parallelToolCalls, false);
  assert.equal(parse({ input: "hi", tools }).chat.parallelToolCalls, undefined);
  assert.equal(parse({ input: "hi", tools }).chat.toolChoice, undefined);
  rejects({ input: "hi", tools, tool_choice: { type: "function", name: "g" } }, /^tool_choice: names the tool "g", which is not in `tools`$/);
  rejects({ input: "hi", tools, tool_choice: "sometimes" }, /^tool_choice: expected "auto"/);
  rejects({ input: "hi", tools, tool_choice: { type: "file_search" } }, /^tool_choice\.type: tool choice "file_search" is not supported/);
});

test("client mistakes are 400s naming the field", () => {
  rejects({ input: [] }, /^input: must contain at least one/);
  rejects({}, /^input: required \(an array\)$/);
  rejects({ input: [{ type: "item_reference", id: "msg_1" }] }, /^input\.0\.type: item_reference is not supported/);
  rejects({ input: [{ type: "mystery" }] }, /^input\.0\.type: unknown input item type "mystery"$/);
  rejects({ input: [{ role: "tool", content: "x" }] }, /^input\.0\.role: expected "user"/);
  rejects({ input: [{ role: "user", content: [{ type: "video" }] }] }, /^input\.0\.content\.0\.type: unknown content part type "video"$/);
  rejects({ input: [{ type: "function_call", call_id: "c", name: "f", arguments: { a: 1 } }] }, /^input\.0\.arguments: expected a JSON string, got an object$/);
  rejects({ input: "hi", tools: [{ type: "computer_use_preview" }] }, /^tools\.0\.type: tool type "computer_use_preview" is not supported by the relay/);
  rejects({ input: "hi", tools: [{ type: "namespace", name: "n", tools: [{ type: "web_search" }] }] }, /^tools\.0\.tools\.0\.type: tool type "web_search" is not supported/);
  rejects({ input: "hi", tools: [{ type: "function", name: "f" }, { type: "function", name: "f" }] }, /^tools\.1\.name: duplicate tool name "f"$/);
  rejects({ input: "hi", metadata: { a: 1 } }, /^metadata\.a: expected a string, got an integer$/);
  rejects({ input: "hi", max_output_tokens: 0 }, /^max_output_tokens: expected a positive integer, got 0$/);
  rejects({ input: "hi", model: "" }, /^model: must not be empty$/);
});
