// Gemini request bodies (Gemini CLI's real captures and hand-made edge cases) → ChatRequest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseGeminiRequest } from "../../../app/gateway/gemini/parse-request.ts";
import { geminiSchemaToJsonSchema } from "../../../app/gateway/gemini/schema.ts";
import { geminiCountTokens } from "../../../app/gateway/gemini/count-tokens.ts";
import { toClientToolId } from "../../../app/sessions/tool-ids.ts";
import { expectInvalidRequest } from "../../support/relay-error.ts";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/gemini-cli/${name}`, import.meta.url), "utf8")) as { url: string; body: unknown };
const CALL = { model: "gemini-3.1-pro-preview", method: "streamGenerateContent" } as const;

const rejects = (body: unknown, pattern: RegExp) => expectInvalidRequest(() => parseGeminiRequest(body, CALL), pattern);

test("Gemini CLI's first turn: system instruction, both user parts, every tool with its JSON Schema, thoughts shown", () => {
  const { chat, jsonOutput } = parseGeminiRequest(fixture("first-turn-request.json").body, CALL);
  assert.equal(chat.api, "gemini");
  assert.equal(chat.model, "gemini-3.1-pro-preview");
  assert.equal(chat.stream, true);
  assert.match(chat.system, /^You are Gemini CLI/);
  assert.equal(chat.transcript.length, 1);
  const first = chat.transcript[0]!;
  assert.equal(first.role, "user");
  assert.ok(first.role === "user" && first.text.startsWith("<session_context>") && first.text.endsWith("\nlist the files here"));
  assert.deepEqual(chat.tools.map((t) => t.name).slice(0, 3), ["update_topic", "list_directory", "read_file"]);
  assert.deepEqual((chat.tools[0]!.inputSchema as { required: string[] }).required, ["strategic_intent"]);
  assert.equal(chat.showThinking, true);
  assert.equal(jsonOutput, false);
  assert.equal(chat.sessionId, null);
});

test("Gemini CLI's classifier call: JSON output asked for, its schema (uppercase types) given to the model as JSON Schema", () => {
  const { chat, jsonOutput } = parseGeminiRequest(fixture("classifier-request.json").body, { model: "gemini-3.5-flash-lite", method: "generateContent" } as const);
  assert.equal(jsonOutput, true);
  assert.equal(chat.transcript.length, 2);
  assert.match(chat.system, /Task Routing AI/);
  assert.match(chat.system, /JSON Schema: no prose and no Markdown code fence\.\n\{"type":"object","properties":\{"complexity_reasoning":\{"type":"string"/);
  assert.match(chat.system, /"complexity_score":\{"type":"integer"/);
});

test("function calls and responses: Gemini CLI's `<name>__` prefix is removed from the relay's ids; calls without ids pair by name", () => {
  const ours = toClientToolId("toolu_01\nbash");
  const { chat } = parseGeminiRequest(
    {
      contents: [
        { role: "user", parts: [{ text: "run it" }] },
        {
          role: "model",
          parts: [
            { text: "thinking…", thought: true, thoughtSignature: "sig" },
            { text: "Running." },
            { functionCall: { id: `run_shell_command__${ours}`, name: "run_shell_command", args: { command: "echo hi" } } },
            { functionCall: { name: "read_file", args: { path: "a" } } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { id: `run_shell_command__${ours}`, name: "run_shell_command", response: { output: "hi\n" } } },
            { functionResponse: { name: "read_file", response: { error: "no such file" } } },
          ],
        },
      ],
    },
    CALL,
  );
  assert.deepEqual(chat.transcript, [
    { role: "user", text: "run it", images: [] },
    {
      role: "assistant",
      text: "Running.",
      toolCalls: [
        { id: ours, name: "run_shell_command", argumentsJson: '{"command":"echo hi"}' },
        { id: "gemini_call_1_3", name: "read_file", argumentsJson: '{"path":"a"}' },
      ],
    },
    { role: "tool", toolCallId: ours, content: "hi\n", isError: false },
    { role: "tool", toolCallId: "gemini_call_1_3", content: "no such file", isError: true },
  ]);
});

test("a functionResponse with a structured response is sent as JSON; other ids are kept as sent", () => {
  const { chat } = parseGeminiRequest(
    {
      contents: [
        { role: "model", parts: [{ functionCall: { id: "abc", name: "f", args: {} } }] },
        { parts: [{ functionResponse: { id: "abc", name: "f", response: { a: 1, b: [true] } } }, { text: "note" }] },
      ],
    },
    CALL,
  );
  assert.deepEqual(chat.transcript[1], { role: "tool", toolCallId: "abc", content: '{"a":1,"b":[true]}\nnote', isError: false });
});

test("`parameters` in Gemini's schema dialect becomes JSON Schema", () => {
  assert.deepEqual(
    geminiSchemaToJsonSchema(
      {
        type: "OBJECT",
        properties: {
          path: { type: "STRING", description: "p", nullable: true },
          n: { type: "INTEGER", format: "int32", minimum: 1 },
          tags: { type: "ARRAY", items: { type: "STRING", enum: ["a", "b"] }, maxItems: "3" },
          any: { anyOf: [{ type: "NUMBER" }, { type: "BOOLEAN" }], nullable: true },
        },
        required: ["path"],
        propertyOrdering: ["path", "n"],
      },
      "p",
    ),
    {
      type: "object",
      properties: {
        path: { type: ["string", "null"], description: "p" },
        n: { type: "integer", format: "int32", minimum: 1 },
        tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, maxItems: 3 },
        any: { anyOf: [{ type: "number" }, { type: "boolean" }, { type: "null" }] },
      },
      required: ["path"],
    },
  );
});

test("tools: parametersJsonSchema kept, parameters converted, Google-hosted tools skipped, duplicates refused", () => {
  const { chat } = parseGeminiRequest(
    {
      contents: [{ parts: [{ text: "hi" }] }],
      tools: [
        { functionDeclarations: [{ name: "a", description: "A", parametersJsonSchema: { type: "object", properties: { x: { type: "string" } } } }] },
        { functionDeclarations: [{ name: "b", parameters: { type: "OBJECT", properties: { y: { type: "NUMBER" } } } }, { name: "c" }] },
        { googleSearch: {} },
      ],
    },
    CALL,
  );
  assert.deepEqual(chat.tools, [
    { name: "a", description: "A", inputSchema: { type: "object", properties: { x: { type: "string" } } } },
    { name: "b", description: "", inputSchema: { type: "object", properties: { y: { type: "number" } } } },
    { name: "c", description: "", inputSchema: { type: "object", properties: {} } },
  ]);
  rejects({ contents: [{ parts: [{ text: "hi" }] }], tools: [{ functionDeclarations: [{ name: "a" }, { name: "a" }] }] }, /tools\.0\.functionDeclarations\.1\.name: duplicate/);
});

test("toolConfig: NONE, ANY and AUTO become the neutral tool choice; allowedFunctionNames narrows the tools", () => {
  const base = { contents: [{ parts: [{ text: "hi" }] }], tools: [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }] };
  const none = parseGeminiRequest({ ...base, toolConfig: { functionCallingConfig: { mode: "NONE" } } }, CALL).chat;
  assert.deepEqual(none.toolChoice, { mode: "none" });
  const one = parseGeminiRequest({ ...base, toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["b"] } } }, CALL).chat;
  assert.deepEqual(one.tools.map((t) => t.name), ["b"]);
  assert.deepEqual(one.toolChoice, { mode: "tool", name: "b" });
  const any = parseGeminiRequest({ ...base, toolConfig: { functionCallingConfig: { mode: "ANY" } } }, CALL).chat;
  assert.deepEqual(any.toolChoice, { mode: "required" });
  assert.equal(any.system, "", "the instruction is the session layer's, not the system prompt's");
  const auto = parseGeminiRequest({ ...base, toolConfig: { functionCallingConfig: { mode: "AUTO" } } }, CALL).chat;
  assert.deepEqual(auto.tools.map((t) => t.name), ["a", "b"]);
  assert.equal(auto.system, "");
  assert.deepEqual(auto.toolChoice, { mode: "auto" });
  assert.equal(parseGeminiRequest(base, CALL).chat.toolChoice, undefined);
  rejects({ ...base, toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }, /functionCallingConfig\.mode: expected "AUTO"/);
  rejects({ ...base, toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["zz"] } } }, /allowedFunctionNames\.0: names the tool "zz", which is not in `tools`/);
});

test("generationConfig: maxOutputTokens, includeThoughts false, candidateCount > 1 refused", () => {
  const { chat } = parseGeminiRequest(
    { contents: [{ parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 100, thinkingConfig: { includeThoughts: false } } },
    CALL,
  );
  assert.equal(chat.maxTokens, 100);
  assert.equal(chat.showThinking, false);
  rejects({ contents: [{ parts: [{ text: "hi" }] }], generationConfig: { candidateCount: 2 } }, /candidateCount: only one candidate/);
});

test("client mistakes are 400s that name the field", () => {
  rejects([], /request body must be a JSON object/);
  rejects({}, /^contents: required \(an array\)/);
  rejects({ contents: [] }, /contents: must contain at least one content/);
  rejects({ contents: [{ role: "system", parts: [{ text: "x" }] }] }, /contents\.0\.role: expected "user" or "model"/);
  rejects({ contents: [{ parts: "hi" }] }, /contents\.0\.parts: expected an array/);
  rejects({ contents: [{ parts: [{ functionCall: { name: "f" } }] }] }, /functionCall parts belong in contents with role "model"/);
  rejects({ contents: [{ parts: [{ fileData: { fileUri: "gs://x" } }] }] }, /contents\.0\.parts\.0\.fileData: file references are not supported/);
  rejects({ contents: [{ parts: [{ inlineData: { mimeType: "application/pdf", data: "AAAA" } }] }] }, /only images can be sent inline/);
  rejects({ contents: [{ parts: [{ inlineData: { mimeType: "image/png", data: "!!" } }] }] }, /inlineData\.data: is not valid base64/);
  rejects({ contents: [{ role: "model", parts: [{ functionCall: { name: "f", args: [1] } }] }] }, /functionCall\.args: expected an object/);
});

test("countTokens accepts a bare or a wrapped request and answers the writers' estimate", () => {
  const body = { contents: [{ parts: [{ text: "hello there" }] }] };
  const call = { model: "gemini-2.5-pro", method: "countTokens" } as const;
  const bare = geminiCountTokens(body, call);
  assert.ok(bare.totalTokens > 0);
  assert.deepEqual(geminiCountTokens({ generateContentRequest: body }, call), bare);
});

test("a `__proto__` property name in a Gemini schema stays a property", () => {
  const converted = geminiSchemaToJsonSchema(JSON.parse('{"type":"OBJECT","properties":{"__proto__":{"type":"STRING"}}}'), "p");
  assert.deepEqual(Object.keys(converted.properties as object), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(converted.properties), Object.prototype);
});
