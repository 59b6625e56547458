import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAnthropicRequest } from "../../../app/gateway/anthropic/parse-request.ts";
import { countTokensResponse } from "../../../app/gateway/anthropic/count-tokens.ts";
import { expectInvalidRequest } from "../../support/relay-error.ts";

interface Fixture {
  headers: Record<string, string>;
  body: Record<string, any>;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../../fixtures/claude-code/${name}`, import.meta.url), "utf8"));

const base = (over: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  ...over,
});

const rejects = (body: unknown, expected: RegExp, headers: Record<string, string> = {}) => expectInvalidRequest(() => parseAnthropicRequest(body, headers), expected);

test("Claude Code first turn: system folded (param blocks + system message), billing header dropped, session id, 24 tools", () => {
  const fx = fixture("first-turn-request.json");
  const req = parseAnthropicRequest(fx.body, fx.headers);
  assert.equal(req.api, "anthropic");
  assert.equal(req.model, fx.body.model);
  assert.equal(req.stream, true);
  assert.equal(req.maxTokens, fx.body.max_tokens);
  assert.equal(req.showThinking, true, "thinking: adaptive shows thinking");
  assert.equal(req.sessionId, JSON.parse(fx.body.metadata.user_id).session_id);

  const systemBlocks = (fx.body.system as Array<{ text: string }>).map((b) => b.text);
  const systemMessage = (fx.body.messages as Array<{ role: string; content: string }>).find((m) => m.role === "system")!;
  assert.equal(req.system, [...systemBlocks.slice(1), systemMessage.content].join("\n"));
  assert.ok(systemBlocks[0]!.startsWith("x-anthropic-billing-header:"));
  assert.ok(!req.system.includes("x-anthropic-billing-header"));

  // The system message is not in the transcript; the two user text blocks are one entry.
  assert.equal(req.transcript.length, 1);
  const [reminder, prompt] = fx.body.messages[0].content.map((b: { text: string }) => b.text);
  assert.deepEqual(req.transcript[0], { role: "user", text: reminder + prompt, images: [] });

  assert.equal(req.tools.length, 24);
  fx.body.tools.forEach((t: { name: string; description: string; input_schema: unknown }, i: number) => {
    assert.deepEqual(req.tools[i], { name: t.name, description: t.description, inputSchema: t.input_schema });
  });
});

test("Claude Code tool-result turn: assistant tool_use and the tool_result that answers it", () => {
  const fx = fixture("tool-result-turn-request.json");
  const req = parseAnthropicRequest(fx.body, fx.headers);
  assert.equal(req.sessionId, JSON.parse(fx.body.metadata.user_id).session_id);
  assert.deepEqual(
    req.transcript.map((e) => e.role),
    ["user", "assistant", "tool"],
  );
  const assistant = req.transcript[1]!;
  const tool = req.transcript[2]!;
  assert.ok(assistant.role === "assistant" && tool.role === "tool");
  const use = fx.body.messages[2].content[1];
  const result = fx.body.messages[3].content[0];
  assert.equal(assistant.text, fx.body.messages[2].content[0].text);
  assert.deepEqual(assistant.toolCalls.map((c) => ({ ...c, argumentsJson: JSON.parse(c.argumentsJson) })), [
    { id: use.id, name: use.name, argumentsJson: use.input },
  ]);
  assert.deepEqual(tool, { role: "tool", toolCallId: use.id, content: result.content, isError: false });
  assert.equal(tool.toolCallId, assistant.toolCalls[0]!.id);
});

test("session id: JSON user_id, legacy user id, header fallback, precedence, junk ignored", () => {
  const sid = "0b6a6e0e-3f0c-4a57-9a3e-2d2f3b1c9d11";
  const withUser = (user_id: unknown) => base({ metadata: { user_id } });
  assert.equal(parseAnthropicRequest(withUser(JSON.stringify({ session_id: sid })), {}).sessionId, sid);
  assert.equal(parseAnthropicRequest(withUser(`user_${"ab".repeat(32)}_account__session_${sid}`), {}).sessionId, sid);
  assert.equal(parseAnthropicRequest(withUser(`user_x_account_${"1".repeat(8)}_session_${sid}`), {}).sessionId, sid);
  assert.equal(parseAnthropicRequest(base(), { "x-claude-code-session-id": sid }).sessionId, sid);
  assert.equal(parseAnthropicRequest(base(), { "X-Claude-Code-Session-Id": sid }).sessionId, sid, "header name is case-insensitive");
  assert.equal(
    parseAnthropicRequest(withUser(JSON.stringify({ session_id: "from-metadata" })), { "x-claude-code-session-id": sid }).sessionId,
    "from-metadata",
  );
  // Not a session: plain id, broken JSON, JSON without session_id, a non-string session, control characters, too long.
  for (const junk of ["someone", "{not json", JSON.stringify({ device_id: "d" }), JSON.stringify({ session_id: 5 }), JSON.stringify({ session_id: "a\nb" }), JSON.stringify({ session_id: "x".repeat(500) })]) {
    assert.equal(parseAnthropicRequest(withUser(junk), {}).sessionId, null, junk.slice(0, 30));
    assert.equal(parseAnthropicRequest(withUser(junk), { "x-claude-code-session-id": sid }).sessionId, sid);
  }
  assert.equal(parseAnthropicRequest(base(), {}).sessionId, null);
});

test("system: string, empty, text blocks with cache_control, system messages with blocks, in order", () => {
  assert.equal(parseAnthropicRequest(base({ system: "Be brief." }), {}).system, "Be brief.");
  assert.equal(parseAnthropicRequest(base({ system: "" }), {}).system, "");
  const req = parseAnthropicRequest(
    base({
      system: [
        { type: "text", text: "one", cache_control: { type: "ephemeral", ttl: "1h" } },
        { type: "text", text: "two" },
      ],
      messages: [
        { role: "system", content: [{ type: "text", text: "three" }, { type: "text", text: "four" }] },
        { role: "user", content: "hi" },
        { role: "system", content: "five" },
      ],
    }),
    {},
  );
  assert.equal(req.system, "one\ntwo\nthree\nfour\nfive");
  assert.deepEqual(req.transcript, [{ role: "user", text: "hi", images: [] }]);
});

test("user text blocks: a newline between blocks unless the earlier one ends a line; empty blocks skipped", () => {
  const content = [
    { type: "text", text: "Look at this:" },
    { type: "text", text: "" },
    { type: "text", text: "and this\n" },
    { type: "text", text: "end" },
  ];
  const req = parseAnthropicRequest(base({ messages: [{ role: "user", content }] }), {});
  assert.deepEqual(req.transcript[0], { role: "user", text: "Look at this:\nand this\nend", images: [] });
});

test("images: base64 → bytes, url/file sources ignored, bad base64 and non-image types rejected", () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 250]);
  const req = parseAnthropicRequest(
    base({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: png.toString("base64") }, cache_control: { type: "ephemeral" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
            { type: "image", source: { type: "file", file_id: "file_1" } },
            { type: "text", text: "what is it?" },
          ],
        },
      ],
    }),
    {},
  );
  const entry = req.transcript[0]!;
  assert.ok(entry.role === "user");
  assert.equal(entry.text, "what is it?");
  assert.equal(entry.images.length, 1);
  assert.equal(entry.images[0]!.mimeType, "image/png");
  assert.deepEqual(Buffer.from(entry.images[0]!.data), png);

  const img = (source: unknown) => base({ messages: [{ role: "user", content: [{ type: "image", source }] }] });
  rejects(img({ type: "base64", media_type: "image/png", data: "not base64!" }), /^messages\.0\.content\.0\.source\.data: is not valid base64$/);
  rejects(img({ type: "base64", media_type: "application/pdf", data: "AAAA" }), /^messages\.0\.content\.0\.source\.media_type: expected an image type/);
  rejects(img({ type: "base64", data: "AAAA" }), /^messages\.0\.content\.0\.source\.media_type: required/);
  rejects(img(undefined), /^messages\.0\.content\.0\.source: required \(an object\)$/);
  rejects(img("https://x"), /^messages\.0\.content\.0\.source: expected an object, got a string$/);
});

test("tool_result: string or blocks (text joined, images dropped), is_error kept, empty content", () => {
  const req = parseAnthropicRequest(
    base({
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "toolu_a", name: "Read", input: { path: "/x" } },
            { type: "tool_use", id: "toolu_b", name: "Bash", input: {} },
            { type: "tool_use", id: "toolu_c", name: "Bash" },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_a",
              content: [
                { type: "text", text: "line 1" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
                { type: "text", text: "line 2" },
              ],
            },
            { type: "tool_result", tool_use_id: "toolu_b", content: "boom", is_error: true },
            { type: "tool_result", tool_use_id: "toolu_c" },
          ],
        },
      ],
    }),
    {},
  );
  assert.deepEqual(req.transcript.slice(1), [
    {
      role: "assistant",
      text: "",
      toolCalls: [
        { id: "toolu_a", name: "Read", argumentsJson: '{"path":"/x"}' },
        { id: "toolu_b", name: "Bash", argumentsJson: "{}" },
        { id: "toolu_c", name: "Bash", argumentsJson: "{}" },
      ],
    },
    { role: "tool", toolCallId: "toolu_a", content: "line 1\nline 2", isError: false },
    { role: "tool", toolCallId: "toolu_b", content: "boom", isError: true },
    { role: "tool", toolCallId: "toolu_c", content: "", isError: false },
  ]);
});

test("text next to tool results is appended to the last result, so the transcript still ends with the results", () => {
  const req = parseAnthropicRequest(
    base({
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t1", content: "a.txt" },
            { type: "text", text: "<system-reminder>file changed</system-reminder>" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ],
        },
      ],
    }),
    {},
  );
  assert.deepEqual(req.transcript.at(-1), {
    role: "tool",
    toolCallId: "t1",
    content: "a.txt\n<system-reminder>file changed</system-reminder>",
    isError: false,
  });
  assert.equal(req.transcript.length, 3);
});

test("assistant: thinking/redacted_thinking/server blocks dropped, text joined, prefill (assistant last) accepted", () => {
  const req = parseAnthropicRequest(
    base({
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "redacted_thinking", data: "xyz" },
            { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
            { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
            { type: "text", text: "part one" },
            { type: "text", text: "part two" },
          ],
        },
        { role: "user", content: "more" },
        { role: "assistant", content: "Sure, here is" },
      ],
    }),
    {},
  );
  assert.deepEqual(req.transcript, [
    { role: "user", text: "q", images: [] },
    { role: "assistant", text: "part one\npart two", toolCalls: [] },
    { role: "user", text: "more", images: [] },
    { role: "assistant", text: "Sure, here is", toolCalls: [] },
  ]);
});

test("document blocks: plain text and content sources become text, PDFs and urls are ignored; search_result text kept", () => {
  const req = parseAnthropicRequest(
    base({
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "text", media_type: "text/plain", data: "doc text" }, title: "t" },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
            { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
            { type: "document", source: { type: "content", content: [{ type: "text", text: "chunk" }] } },
            { type: "search_result", source: "s", title: "r", content: [{ type: "text", text: "found" }] },
            { type: "text", text: "summarize" },
          ],
        },
      ],
    }),
    {},
  );
  assert.deepEqual(req.transcript[0], { role: "user", text: "doc text\nchunk\nfound\nsummarize", images: [] });
});

test("thinking: adaptive/enabled show thinking, disabled or absent hide it", () => {
  assert.equal(parseAnthropicRequest(base({ thinking: { type: "enabled", budget_tokens: 2048 } }), {}).showThinking, true);
  assert.equal(parseAnthropicRequest(base({ thinking: { type: "adaptive" } }), {}).showThinking, true);
  assert.equal(parseAnthropicRequest(base({ thinking: { type: "disabled" } }), {}).showThinking, false);
  assert.equal(parseAnthropicRequest(base(), {}).showThinking, false);
  assert.equal(parseAnthropicRequest(base({ thinking: null }), {}).showThinking, false);
});

test("tools: custom kept (description optional, schema defaulted), server tools skipped; extras ignored", () => {
  const req = parseAnthropicRequest(
    base({
      tools: [
        { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } }, cache_control: { type: "ephemeral" } },
        { type: "custom", name: "noop" },
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
        { type: "bash_20250124", name: "bash" },
      ],
      tool_choice: { type: "any" },
      context_management: { edits: [] },
      output_config: { effort: "high" },
      temperature: 0.2,
      top_k: 3,
      some_future_field: { nested: [1, 2, 3] },
    }),
    {},
  );
  assert.deepEqual(req.tools, [
    { name: "get_weather", description: "Weather", inputSchema: { type: "object", properties: { city: { type: "string" } } } },
    { name: "noop", description: "", inputSchema: { type: "object", properties: {} } },
  ]);
});

test("defaults: not streaming, usage always included; a count_tokens body needs no max_tokens", () => {
  const req = parseAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }] }, {}, { requireMaxTokens: false });
  assert.equal(req.stream, false);
  assert.equal(req.maxTokens, undefined);
  assert.equal(req.includeUsage, true);
  assert.deepEqual(req.tools, []);
});

test("bad input → 400 invalid_request naming the field", () => {
  const msg = (content: unknown, role = "user") => base({ messages: [{ role, content }] });
  const table: Array<[unknown, RegExp]> = [
    [null, /^request body must be a JSON object, got null$/],
    [[1, 2], /^request body must be a JSON object, got an array$/],
    ["text", /^request body must be a JSON object, got a string$/],
    [{ messages: [{ role: "user", content: "x" }] }, /^model: required \(a string\)$/],
    [base({ model: 42 }), /^model: expected a string, got an integer$/],
    [base({ model: "  " }), /^model: must not be empty$/],
    [{ model: "m" }, /^messages: required \(an array\)$/],
    [base({ messages: {} }), /^messages: expected an array, got an object$/],
    [base({ messages: [] }), /^messages: must contain at least one message$/],
    [base({ messages: [{ role: "system", content: "only system" }] }), /^messages: must contain at least one user or assistant message$/],
    [base({ messages: ["hi"] }), /^messages\.0: expected an object, got a string$/],
    [base({ messages: [{ content: "x" }] }), /^messages\.0\.role: required \(a string\)$/],
    [msg("x", "tool"), /^messages\.0\.role: expected "user", "assistant" or "system", got "tool"$/],
    [base({ messages: [{ role: "user" }] }), /^messages\.0\.content: required/],
    [msg(7), /^messages\.0\.content: expected a string or an array of blocks, got an integer$/],
    [msg([{ type: "foo" }]), /^messages\.0\.content\.0\.type: unknown block type "foo"$/],
    [msg([{ text: "x" }]), /^messages\.0\.content\.0\.type: required \(a string\)$/],
    [msg([{ type: "text" }]), /^messages\.0\.content\.0\.text: required \(a string\)$/],
    [msg([{ type: "text", text: null }]), /^messages\.0\.content\.0\.text: expected a string, got null$/],
    [msg([null]), /^messages\.0\.content\.0: expected an object, got null$/],
    [msg([{ type: "tool_result", content: "x" }]), /^messages\.0\.content\.0\.tool_use_id: required/],
    [msg([{ type: "tool_result", tool_use_id: "" }]), /^messages\.0\.content\.0\.tool_use_id: must not be empty$/],
    [msg([{ type: "tool_result", tool_use_id: "t", is_error: "yes" }]), /^messages\.0\.content\.0\.is_error: expected true or false, got a string$/],
    [msg([{ type: "tool_result", tool_use_id: "t", content: 5 }]), /^messages\.0\.content\.0\.content: expected an array, got an integer$/],
    [msg([{ type: "tool_result", tool_use_id: "t", content: [{ type: "bar" }] }]), /^messages\.0\.content\.0\.content\.0\.type: unknown block type "bar"$/],
    [msg([{ type: "tool_use", id: "t", name: "n", input: {} }]), /^messages\.0\.content\.0\.type: tool_use blocks belong in assistant messages$/],
    [msg([{ type: "tool_result", tool_use_id: "t" }], "assistant"), /^messages\.0\.content\.0\.type: tool_result blocks belong in user messages$/],
    [msg([{ type: "tool_use", name: "n", input: {} }], "assistant"), /^messages\.0\.content\.0\.id: required/],
    [msg([{ type: "tool_use", id: "t", input: {} }], "assistant"), /^messages\.0\.content\.0\.name: required/],
    [msg([{ type: "tool_use", id: "t", name: "n", input: "[]" }], "assistant"), /^messages\.0\.content\.0\.input: expected an object, got a string$/],
    [msg([{ type: "tool_use", id: "t", name: "n", input: [1] }], "assistant"), /^messages\.0\.content\.0\.input: expected an object, got an array$/],
    [base({ messages: [{ role: "system", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] }, { role: "user", content: "x" }] }), /^messages\.0\.content\.0\.type: a system message may only hold text blocks$/],
    [base({ system: 5 }), /^system: expected an array, got an integer$/],
    [base({ system: [{ type: "image" }] }), /^system\.0\.type: expected "text", got "image"$/],
    [base({ system: [{ type: "text", text: 1 }] }), /^system\.0\.text: expected a string, got an integer$/],
    [base({ max_tokens: 0 }), /^max_tokens: expected a positive integer, got 0$/],
    [base({ max_tokens: -5 }), /^max_tokens: expected a positive integer, got -5$/],
    [base({ max_tokens: 1.5 }), /^max_tokens: expected a positive integer, got 1\.5$/],
    [base({ max_tokens: "100" }), /^max_tokens: expected a positive integer, got a string$/],
    [base({ stream: "yes" }), /^stream: expected true or false, got a string$/],
    [base({ metadata: "x" }), /^metadata: expected an object, got a string$/],
    [base({ metadata: { user_id: 5 } }), /^metadata\.user_id: expected a string, got an integer$/],
    [base({ thinking: "on" }), /^thinking: expected an object, got a string$/],
    [base({ thinking: {} }), /^thinking\.type: required \(a string\)$/],
    [base({ tools: {} }), /^tools: expected an array, got an object$/],
    [base({ tools: [{ description: "d" }] }), /^tools\.0\.name: required \(a string\)$/],
    [base({ tools: [{ name: "a", input_schema: "{}" }] }), /^tools\.0\.input_schema: expected an object, got a string$/],
    [base({ tools: [{ name: "a" }, { name: "a" }] }), /^tools\.1\.name: duplicate tool name "a"$/],
    [base({ tools: [{ name: "a", description: 3 }] }), /^tools\.0\.description: expected a string, got an integer$/],
  ];
  for (const [body, expected] of table) rejects(body, expected);
});

test("an over-long unknown type is quoted short in the message", () => {
  rejects(base({ messages: [{ role: "user", content: [{ type: "x".repeat(100_000) }] }] }), /^messages\.0\.content\.0\.type: unknown block type "x{40}…"$/);
});

test("max_tokens is required on /v1/messages like Anthropic's API; the Claude Code fixtures always send it", () => {
  rejects({ model: "m", messages: [{ role: "user", content: "x" }] }, /^max_tokens: Field required$/);
  rejects(base({ max_tokens: null }), /^max_tokens: Field required$/);
  rejects(base({ max_tokens: 0 }), /^max_tokens: expected a positive integer, got 0$/);
  // count_tokens bodies carry no max_tokens, as with Anthropic's API.
  assert.ok(countTokensResponse({ model: "m", messages: [{ role: "user", content: "x" }] }).input_tokens > 0);
  for (const name of ["first-turn-request.json", "tool-result-turn-request.json"]) {
    const fx = fixture(name);
    assert.equal(typeof fx.body.max_tokens, "number", name);
    assert.equal(parseAnthropicRequest(fx.body, fx.headers).maxTokens, fx.body.max_tokens);
  }
});

test("tool names follow Anthropic's rule ^[a-zA-Z0-9_-]{1,64}$, with a clear 400", () => {
  const tool = (name: string) => base({ tools: [{ name, input_schema: { type: "object" } }] });
  assert.equal(parseAnthropicRequest(tool("mcp__github__create-issue_2"), {}).tools[0]!.name, "mcp__github__create-issue_2");
  assert.equal(parseAnthropicRequest(tool("a".repeat(64)), {}).tools.length, 1);
  rejects(tool("a".repeat(65)), /^tools\.0\.name: tool name "a+…" \(65 characters\) must be 1 to 64 characters of letters, digits, underscores and dashes/);
  rejects(tool("x".repeat(5000)), /^tools\.0\.name: tool name "x+…" \(5000 characters\) must be 1 to 64 characters/);
  rejects(tool("read file"), /^tools\.0\.name: tool name "read file" must be 1 to 64 characters/);
  rejects(tool("fs.read"), /\^\[a-zA-Z0-9_-\]\{1,64\}\$/);
  // Server tools (typed) are skipped before any name rule applies.
  assert.equal(parseAnthropicRequest(base({ tools: [{ type: "web_search_20250305", name: "web search" }] }), {}).tools.length, 0);
});
