// tool_choice in every client API → the neutral ToolChoice, with the same checks in each,
// and what a turn makes of it:
// the tools offered upstream, the calls allowed through, the instruction on the user text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RelayError } from "../../../app/base/errors.ts";
import { parseAnthropicRequest } from "../../../app/gateway/anthropic/parse-request.ts";
import { parseGeminiRequest } from "../../../app/gateway/gemini/parse-request.ts";
import { parseOpenAiRequest } from "../../../app/gateway/openai/parse-request.ts";
import { parseResponsesRequest } from "../../../app/gateway/responses/parse-request.ts";
import { turnInputFrom } from "../../../app/sessions/turn-input.ts";
import type { ChatRequest } from "../../../app/sessions/chat-request.ts";

const anthropicTools = [
  { name: "Bash", input_schema: { type: "object" } },
  { name: "Read", input_schema: { type: "object" } },
];
const openAiTools = anthropicTools.map((t) => ({ type: "function", function: { name: t.name, parameters: t.input_schema } }));
const anthropic = (over: Record<string, unknown>) =>
  parseAnthropicRequest({ model: "claude-opus-4-8", max_tokens: 10, tools: anthropicTools, messages: [{ role: "user", content: "go" }], ...over }, {});
const openai = (over: Record<string, unknown>) => parseOpenAiRequest({ model: "gpt-5", tools: openAiTools, messages: [{ role: "user", content: "go" }], ...over }, {});
const responsesTools = anthropicTools.map((t) => ({ type: "function", name: t.name, parameters: t.input_schema }));
const responses = (over: Record<string, unknown>) => parseResponsesRequest({ model: "gpt-5", tools: responsesTools, input: "go", ...over }, {}).chat;
const geminiTools = [{ functionDeclarations: anthropicTools.map((t) => ({ name: t.name, parametersJsonSchema: t.input_schema })) }];
const gemini = (over: Record<string, unknown>) =>
  parseGeminiRequest({ contents: [{ role: "user", parts: [{ text: "go" }] }], tools: geminiTools, ...over }, { model: "gemini-2.5-pro", method: "generateContent" }).chat;
const calling = (functionCallingConfig: Record<string, unknown>) => ({ toolConfig: { functionCallingConfig } });

function rejects(parse: () => unknown, expected: RegExp, why?: string) {
  assert.throws(parse, (e: unknown) => {
    assert.ok(e instanceof RelayError, String(e));
    assert.equal(e.status, 400, why);
    assert.match(e.message, expected, why);
    return true;
  });
}

const turn = (req: ChatRequest) => turnInputFrom(req, { conversationId: "c", inputTokens: 1 });

test("Anthropic tool_choice: auto, any, tool, none and disable_parallel_tool_use", () => {
  assert.equal(anthropic({}).toolChoice, undefined);
  assert.deepEqual(anthropic({ tool_choice: { type: "auto" } }).toolChoice, { mode: "auto" });
  assert.deepEqual(anthropic({ tool_choice: { type: "any" } }).toolChoice, { mode: "required" });
  assert.deepEqual(anthropic({ tool_choice: { type: "none" } }).toolChoice, { mode: "none" });
  assert.deepEqual(anthropic({ tool_choice: { type: "tool", name: "Read" } }).toolChoice, { mode: "tool", name: "Read" });
  assert.equal(anthropic({ tool_choice: { type: "auto", disable_parallel_tool_use: true } }).parallelToolCalls, false);
  assert.equal(anthropic({ tool_choice: { type: "auto", disable_parallel_tool_use: false } }).parallelToolCalls, undefined);
  rejects(() => anthropic({ tool_choice: { type: "tool", name: "Write" } }), /tool_choice: names the tool "Write", which is not in `tools`/);
  rejects(() => anthropic({ tool_choice: { type: "tool" } }), /tool_choice\.name: required/);
  rejects(() => anthropic({ tool_choice: { type: "sometimes" } }), /tool_choice\.type: expected "auto", "any", "tool" or "none"/);
  rejects(() => anthropic({ tool_choice: "auto" }), /tool_choice: expected an object/);
  rejects(() => anthropic({ tools: [], tool_choice: { type: "any" } }), /requires a tool call, but `tools` is empty/);
});

test("OpenAI tool_choice: auto, required, none, a named function; parallel_tool_calls", () => {
  assert.deepEqual(openai({ tool_choice: "auto" }).toolChoice, { mode: "auto" });
  assert.deepEqual(openai({ tool_choice: "required" }).toolChoice, { mode: "required" });
  assert.deepEqual(openai({ tool_choice: "none" }).toolChoice, { mode: "none" });
  assert.deepEqual(openai({ tool_choice: { type: "function", function: { name: "Bash" } } }).toolChoice, { mode: "tool", name: "Bash" });
  assert.equal(openai({ parallel_tool_calls: false }).parallelToolCalls, false);
  assert.equal(openai({ parallel_tool_calls: true }).parallelToolCalls, undefined);
  rejects(() => openai({ tool_choice: "maybe" }), /tool_choice: expected "auto", "none", "required" or a named function/);
  rejects(() => openai({ tool_choice: { type: "function", function: { name: "Nope" } } }), /names the tool "Nope"/);
  rejects(() => openai({ tool_choice: { type: "custom" } }), /tool_choice\.type: expected "function"/);
  rejects(() => openai({ parallel_tool_calls: "no" }), /parallel_tool_calls: expected true or false/);
});

test("the same checks in every format: a required call with no tools is a 400, and so is a named tool that was not declared", () => {
  const undeclared = /names the tool "Nope", which is not in `tools`/;
  const empty = /requires a tool call, but `tools` is empty/;
  rejects(() => anthropic({ tools: [], tool_choice: { type: "any" } }), empty);
  rejects(() => openai({ tools: [], tool_choice: "required" }), empty);
  rejects(() => responses({ tools: [], tool_choice: "required" }), /^tool_choice: requires a tool call, but `tools` is empty$/);
  rejects(() => responses({ tools: [], tool_choice: { type: "allowed_tools", mode: "required", tools: [] } }), empty);
  rejects(() => responses({ tools: [{ type: "web_search" }], tool_choice: "required" }), empty, "a dropped hosted tool leaves none to call");
  rejects(() => gemini({ tools: [], ...calling({ mode: "ANY" }) }), /^toolConfig\.functionCallingConfig\.mode: requires a tool call, but `tools` is empty$/);

  rejects(() => anthropic({ tool_choice: { type: "tool", name: "Nope" } }), undeclared);
  rejects(() => openai({ tool_choice: { type: "function", function: { name: "Nope" } } }), undeclared);
  rejects(() => responses({ tool_choice: { type: "function", name: "Nope" } }), /^tool_choice: names the tool "Nope", which is not in `tools`$/);
  rejects(() => responses({ tool_choice: { type: "custom", name: "Nope", namespace: "ns" } }), undeclared);
  rejects(() => gemini({ ...calling({ mode: "ANY", allowedFunctionNames: ["Read", "Nope"] }) }), /^toolConfig\.functionCallingConfig\.allowedFunctionNames\.1: names the tool "Nope"/);

  // what stays allowed: none/auto without tools, a declared name
  assert.deepEqual(responses({ tools: [], tool_choice: "none" }).toolChoice, { mode: "none" });
  assert.deepEqual(responses({ tools: [], tool_choice: "auto" }).toolChoice, { mode: "auto" });
  assert.deepEqual(gemini({ tools: [], ...calling({ mode: "NONE" }) }).toolChoice, { mode: "none" });
  assert.deepEqual(gemini({ tools: [], ...calling({ mode: "AUTO" }) }).toolChoice, { mode: "auto" });
  assert.deepEqual(responses({ tool_choice: { type: "function", name: "Read" } }).toolChoice, { mode: "tool", name: "Read" });
});

test("Gemini allowedFunctionNames narrows the tools; ANY with one allowed name asks for that tool, with several for any of them", () => {
  const one = gemini(calling({ mode: "ANY", allowedFunctionNames: ["Read"] }));
  assert.deepEqual(one.tools.map((t) => t.name), ["Read"]);
  assert.deepEqual(one.toolChoice, { mode: "tool", name: "Read" });
  const both = gemini(calling({ mode: "ANY", allowedFunctionNames: ["Read", "Bash"] }));
  assert.deepEqual(both.tools.map((t) => t.name), ["Bash", "Read"]);
  assert.deepEqual(both.toolChoice, { mode: "required" });
  const auto = gemini(calling({ mode: "AUTO", allowedFunctionNames: ["Bash"] }));
  assert.deepEqual(auto.tools.map((t) => t.name), ["Bash"]);
  assert.deepEqual(auto.toolChoice, { mode: "auto" });
  // An empty list is an unset repeated field in Gemini's protocol: it narrows nothing.
  const anyEmpty = gemini(calling({ mode: "ANY", allowedFunctionNames: [] }));
  assert.deepEqual(anyEmpty.tools.map((t) => t.name), ["Bash", "Read"]);
  assert.deepEqual(anyEmpty.toolChoice, { mode: "required" });
  assert.deepEqual(gemini(calling({ mode: "AUTO", allowedFunctionNames: [] })).tools.map((t) => t.name), ["Bash", "Read"]);
  const unspecified = gemini(calling({ allowedFunctionNames: ["Bash"] }));
  assert.equal(unspecified.toolChoice, undefined);
  assert.deepEqual(turn(one).tools.map((t) => t.name), ["Read"], "only the allowed tool is offered upstream");
});

test("a turn offers, allows and asks according to the choice", () => {
  const auto = turn(anthropic({}));
  assert.deepEqual(auto.tools.map((t) => t.name), ["Bash", "Read"]);
  assert.deepEqual([...auto.allowedTools!], ["Bash", "Read"], "only declared tools reach the client");
  assert.equal(auto.newestUserText, "go");
  assert.equal(auto.parallelToolCalls, true);

  const none = turn(openai({ tool_choice: "none" }));
  assert.deepEqual(none.tools, [], "no tool offered upstream");
  assert.deepEqual([...none.allowedTools!], [], "no call reaches the client");
  assert.match(none.newestUserText!, /^go\n\nDo not call any tool/);

  const named = turn(anthropic({ tool_choice: { type: "tool", name: "Read" } }));
  assert.deepEqual(named.tools.map((t) => t.name), ["Read"], "only the named tool is offered");
  assert.deepEqual([...named.allowedTools!], ["Read"]);
  assert.match(named.newestUserText!, /You must call the tool "Read"/);

  const any = turn(anthropic({ tool_choice: { type: "any" }, messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }] }));
  assert.deepEqual(any.tools.map((t) => t.name), ["Bash", "Read"]);
  assert.deepEqual([...any.allowedTools!], ["Bash", "Read"]);
  assert.match(any.flatten(), /Continue your response based on this context\.\n\nYou must call at least one of the available tools/, "the flattened history carries it too");

  assert.equal(turn(openai({ parallel_tool_calls: false })).parallelToolCalls, false);
});
