import { test } from "node:test";
import assert from "node:assert/strict";
import { parseOpenAiRequest } from "../../../app/gateway/openai/parse-request.ts";
import { expectInvalidRequest } from "../../support/relay-error.ts";

const base = (over: Record<string, unknown> = {}) => ({ model: "gpt-5", messages: [{ role: "user", content: "hi" }], ...over });

const rejects = (body: unknown, expected: RegExp) => expectInvalidRequest(() => parseOpenAiRequest(body, {}), expected);

test("a full tool conversation: system/developer folded, parts, tool_calls, tool results, tools", () => {
  const png = Buffer.from([1, 2, 3, 254, 255]);
  const req = parseOpenAiRequest(
    {
      model: "gpt-5",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 100,
      temperature: 0.1,
      tool_choice: "auto",
      parallel_tool_calls: true,
      messages: [
        { role: "system", content: "You are terse." },
        { role: "developer", content: [{ type: "text", text: "Use tools." }] },
        {
          role: "user",
          name: "alice",
          content: [
            { type: "text", text: "What is in" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}`, detail: "high" } },
            { type: "image_url", image_url: { url: "https://example.com/remote.png" } },
            { type: "text", text: "this picture?" },
          ],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } },
            { id: "call_2", type: "function", function: { name: "lookup", arguments: { q: "dog" } } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "a cat" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "a" }, { type: "text", text: "dog" }] },
      ],
      tools: [
        { type: "function", function: { name: "lookup", description: "Look up", parameters: { type: "object", properties: { q: { type: "string" } } } } },
        { type: "function", function: { name: "noargs" } },
        { type: "custom", custom: { name: "freeform" } },
      ],
    },
    {},
  );
  assert.equal(req.api, "openai");
  assert.equal(req.stream, true);
  assert.equal(req.includeUsage, true);
  assert.equal(req.maxTokens, 100);
  assert.equal(req.sessionId, null);
  assert.equal(req.showThinking, true);
  assert.equal(req.system, "You are terse.\nUse tools.");
  const [user, assistant, tool1, tool2] = req.transcript;
  assert.ok(user?.role === "user");
  assert.equal(user.text, "What is in\nthis picture?");
  assert.equal(user.images.length, 1);
  assert.equal(user.images[0]!.mimeType, "image/png");
  assert.deepEqual(Buffer.from(user.images[0]!.data), png);
  assert.deepEqual(assistant, {
    role: "assistant",
    text: "",
    toolCalls: [
      { id: "call_1", name: "lookup", argumentsJson: '{"q":"cat"}' },
      { id: "call_2", name: "lookup", argumentsJson: '{"q":"dog"}' },
    ],
  });
  assert.deepEqual(tool1, { role: "tool", toolCallId: "call_1", content: "a cat", isError: false });
  assert.deepEqual(tool2, { role: "tool", toolCallId: "call_2", content: "a\ndog", isError: false });
  assert.deepEqual(req.tools, [
    { name: "lookup", description: "Look up", inputSchema: { type: "object", properties: { q: { type: "string" } } } },
    { name: "noargs", description: "", inputSchema: { type: "object", properties: {} } },
  ]);
});

test("defaults and options: no stream, no usage, max_completion_tokens wins, n=1 ok, prefill kept", () => {
  const plain = parseOpenAiRequest(base(), {});
  assert.equal(plain.stream, false);
  assert.equal(plain.includeUsage, false);
  assert.equal(plain.maxTokens, undefined);
  assert.deepEqual(plain.tools, []);
  assert.equal(parseOpenAiRequest(base({ max_tokens: 10, max_completion_tokens: 20 }), {}).maxTokens, 20);
  assert.equal(parseOpenAiRequest(base({ max_completion_tokens: 7 }), {}).maxTokens, 7);
  assert.equal(parseOpenAiRequest(base({ n: 1 }), {}).transcript.length, 1);
  assert.equal(parseOpenAiRequest(base({ stream: true, stream_options: { include_usage: false } }), {}).includeUsage, false);
  const prefill = parseOpenAiRequest(base({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "The answer is" }] }), {});
  assert.deepEqual(prefill.transcript.at(-1), { role: "assistant", text: "The answer is", toolCalls: [] });
  // audio/file parts are ignored; an image in a system message is ignored.
  const ignored = parseOpenAiRequest(
    base({
      messages: [
        { role: "system", content: [{ type: "text", text: "s" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
        { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }, { type: "file", file: { file_id: "f" } }, { type: "text", text: "t" }] },
      ],
    }),
    {},
  );
  assert.equal(ignored.system, "s");
  assert.deepEqual(ignored.transcript, [{ role: "user", text: "t", images: [] }]);
});

test("image_url given as a bare string is read too", () => {
  const req = parseOpenAiRequest(base({ messages: [{ role: "user", content: [{ type: "image_url", image_url: "data:image/jpeg;base64,/9j/" }] }] }), {});
  const user = req.transcript[0];
  assert.ok(user?.role === "user");
  assert.deepEqual({ mime: user.images[0]?.mimeType, bytes: [...(user.images[0]?.data ?? [])] }, { mime: "image/jpeg", bytes: [0xff, 0xd8, 0xff] });
});

test("bad input → 400 invalid_request naming the field", () => {
  const msg = (m: Record<string, unknown>) => base({ messages: [m] });
  const table: Array<[unknown, RegExp]> = [
    [null, /^request body must be a JSON object, got null$/],
    [{ messages: [] }, /^model: required \(a string\)$/],
    [base({ model: ["gpt"] }), /^model: expected a string, got an array$/],
    [{ model: "m" }, /^messages: required \(an array\)$/],
    [base({ messages: [] }), /^messages: must contain at least one message$/],
    [base({ messages: [{ role: "system", content: "s" }] }), /^messages: must contain at least one user, assistant or tool message$/],
    [msg({ role: "robot", content: "x" }), /^messages\.0\.role: expected "system", "developer", "user", "assistant" or "tool", got "robot"$/],
    [msg({ role: "function", name: "f", content: "x" }), /^messages\.0\.role: legacy function calling is not supported/],
    [base({ functions: [{ name: "f" }] }), /^functions: legacy function calling is not supported/],
    [base({ function_call: "auto" }), /^function_call: legacy function calling is not supported/],
    [msg({ role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } }), /^messages\.0\.function_call: legacy/],
    [msg({ role: "user" }), /^messages\.0\.content: required/],
    [msg({ role: "user", content: null }), /^messages\.0\.content: expected a string or an array of content parts, got null$/],
    [msg({ role: "user", content: 3 }), /^messages\.0\.content: expected a string or an array of content parts, got an integer$/],
    [msg({ role: "user", content: [{ type: "video" }] }), /^messages\.0\.content\.0\.type: unknown content part type "video"$/],
    [msg({ role: "user", content: [{ type: "text", text: 1 }] }), /^messages\.0\.content\.0\.text: expected a string, got an integer$/],
    [msg({ role: "user", content: [{ type: "image_url", image_url: {} }] }), /^messages\.0\.content\.0\.image_url\.url: required \(a string\)$/],
    [msg({ role: "user", content: [{ type: "image_url", image_url: { url: "data:text/plain;base64,AAAA" } }] }), /^messages\.0\.content\.0\.image_url\.url: expected an image data: URL, got "text\/plain"$/],
    [msg({ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }] }), /^messages\.0\.content\.0\.image_url\.url: only base64 data: URLs are supported/],
    [msg({ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,@@@" } }] }), /^messages\.0\.content\.0\.image_url\.url: is not valid base64$/],
    [msg({ role: "user", content: [{ type: "image_url", image_url: { url: "data:nocomma" } }] }), /^messages\.0\.content\.0\.image_url\.url: malformed data: URL$/],
    [msg({ role: "tool", content: "x" }), /^messages\.0\.tool_call_id: required \(a string\)$/],
    [msg({ role: "tool", tool_call_id: "", content: "x" }), /^messages\.0\.tool_call_id: must not be empty$/],
    [msg({ role: "assistant", content: "", tool_calls: {} }), /^messages\.0\.tool_calls: expected an array, got an object$/],
    [msg({ role: "assistant", tool_calls: [{ type: "function", function: { name: "f" } }] }), /^messages\.0\.tool_calls\.0\.id: required/],
    [msg({ role: "assistant", tool_calls: [{ id: "c", type: "custom", custom: {} }] }), /^messages\.0\.tool_calls\.0\.type: expected "function", got "custom"$/],
    [msg({ role: "assistant", tool_calls: [{ id: "c", function: { arguments: "{}" } }] }), /^messages\.0\.tool_calls\.0\.function\.name: required/],
    [msg({ role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: 5 } }] }), /^messages\.0\.tool_calls\.0\.function\.arguments: expected a JSON string, got an integer$/],
    [base({ n: 2 }), /^n: only one choice per request is supported, got 2$/],
    [base({ n: 0 }), /^n: expected a positive integer, got 0$/],
    [base({ max_tokens: -1 }), /^max_tokens: expected a positive integer, got -1$/],
    [base({ max_completion_tokens: "9" }), /^max_completion_tokens: expected a positive integer, got a string$/],
    [base({ stream: 1 }), /^stream: expected true or false, got an integer$/],
    [base({ stream_options: [] }), /^stream_options: expected an object, got an array$/],
    [base({ stream_options: { include_usage: "yes" } }), /^stream_options\.include_usage: expected true or false, got a string$/],
    [base({ tools: "all" }), /^tools: expected an array, got a string$/],
    [base({ tools: [{ function: { name: "f" } }] }), /^tools\.0\.type: required \(a string\)$/],
    [base({ tools: [{ type: "function" }] }), /^tools\.0\.function: required \(an object\)$/],
    [base({ tools: [{ type: "function", function: { name: "" } }] }), /^tools\.0\.function\.name: must not be empty$/],
    [base({ tools: [{ type: "function", function: { name: "f", parameters: "x" } }] }), /^tools\.0\.function\.parameters: expected an object, got a string$/],
    [base({ tools: [{ type: "function", function: { name: "f" } }, { type: "function", function: { name: "f" } }] }), /^tools\.1\.function\.name: duplicate tool name "f"$/],
  ];
  for (const [body, expected] of table) rejects(body, expected);
});

test("function names are at most 64 characters, as OpenAI's API requires, with a clear 400", () => {
  const tool = (name: string) => base({ tools: [{ type: "function", function: { name, parameters: { type: "object" } } }] });
  assert.equal(parseOpenAiRequest(tool("f".repeat(64)), {}).tools[0]!.name, "f".repeat(64));
  rejects(tool("f".repeat(65)), /^tools\.0\.function\.name: tool name "f+…" \(65 characters\) must be at most 64 characters$/);
  rejects(tool("x".repeat(5000)), /^tools\.0\.function\.name: tool name "x+…" \(5000 characters\) must be at most 64 characters$/);
});
