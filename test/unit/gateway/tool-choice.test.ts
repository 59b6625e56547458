// tool_choice in both client APIs → the neutral ToolChoice, and what a turn makes of it:
// the tools offered upstream, the calls allowed through, the instruction on the user text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RelayError } from "../../../app/base/errors.ts";
import { parseAnthropicRequest } from "../../../app/gateway/anthropic/parse-request.ts";
import { parseOpenAiRequest } from "../../../app/gateway/openai/parse-request.ts";
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

function rejects(parse: () => unknown, expected: RegExp) {
  assert.throws(parse, (e: unknown) => {
    assert.ok(e instanceof RelayError, String(e));
    assert.equal(e.status, 400);
    assert.match(e.message, expected);
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
