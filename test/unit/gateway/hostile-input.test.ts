// The parsers against hostile and random input: they return a ChatRequest or throw a
// 400 RelayError — never anything else, never a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { RelayError } from "../../../app/base/errors.ts";
import { parseAnthropicRequest } from "../../../app/gateway/anthropic/parse-request.ts";
import { countTokensResponse } from "../../../app/gateway/anthropic/count-tokens.ts";
import { parseOpenAiRequest } from "../../../app/gateway/openai/parse-request.ts";
import { parseResponsesRequest } from "../../../app/gateway/responses/parse-request.ts";
import { MAX_JSON_DEPTH } from "../../../app/gateway/validation.ts";
import { eachFieldNull } from "./each-field-null.ts";

// Bodies here are about other things: parsed like count_tokens bodies (no max_tokens needed).
const COUNT_TOKENS_BODY = { requireMaxTokens: false };

const parsers = [
  ["anthropic", (b: unknown) => parseAnthropicRequest(b, {}, COUNT_TOKENS_BODY)],
  ["openai", (b: unknown) => parseOpenAiRequest(b, {})],
  ["responses", (b: unknown) => parseResponsesRequest(b, {})],
  ["count_tokens", (b: unknown) => countTokensResponse(b)],
] as const;

function onlyRelay400(name: string, body: unknown): RelayError | null {
  for (const [api, parse] of parsers) {
    if (name !== "" && api !== name) continue;
    try {
      parse(body);
    } catch (e) {
      assert.ok(e instanceof RelayError, `${api}: threw ${String(e)}`);
      assert.equal(e.status, 400, `${api}: ${e.message}`);
      // guardParse's catch-all is a safety net; real validation must name the problem itself.
      assert.doesNotMatch(e.message, /^request could not be read/, `${api}: ${e.message}`);
      return e;
    }
  }
  return null;
}

const nested = (depth: number, leaf: string) => JSON.parse("[".repeat(depth) + leaf + "]".repeat(depth));

test("deep nesting anywhere (200k levels) is a 400, not a stack overflow", () => {
  const deep = nested(200_000, "1");
  const bodies = [
    { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ name: "t", input_schema: { type: "object", x: deep } }] },
    { model: "m", messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "b", input: { deep } }] }] },
    { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function", function: { name: "t", parameters: { deep } } }] },
    { model: "m", messages: [{ role: "user", content: "x" }], metadata: deep },
  ];
  for (const body of bodies) {
    for (const [api, parse] of parsers) {
      assert.throws(
        () => parse(body),
        (e: unknown) => e instanceof RelayError && e.status === 400 && /nested deeper than/.test(e.message),
        api,
      );
    }
  }
  // Reasonable depth is fine.
  const ok = { model: "m", messages: [{ role: "user", content: "x" }], tools: [{ name: "t", input_schema: { type: "object", x: nested(MAX_JSON_DEPTH - 10, "1") } }] };
  assert.equal(parseAnthropicRequest(ok, {}, COUNT_TOKENS_BODY).tools.length, 1);
});

test("__proto__ / constructor keys are plain unknown fields", () => {
  const hostile = JSON.parse(
    '{"__proto__":{"model":"evil","messages":[{"role":"user","content":"x"}]},"constructor":{"prototype":{"polluted":true}}}',
  );
  for (const [api, parse] of parsers) {
    assert.throws(() => parse(hostile), (e: unknown) => e instanceof RelayError && /^model: required/.test(e.message), api);
  }
  const body = JSON.parse(
    '{"model":"m","__proto__":{"stream":true},"messages":[{"role":"user","__proto__":{"role":"system"},"content":[{"type":"text","text":"hi","__proto__":{"type":"foo"}}]}],"tools":[{"name":"toString","__proto__":{"type":"web_search"}}]}',
  );
  const a = parseAnthropicRequest(body, {}, COUNT_TOKENS_BODY);
  assert.equal(a.stream, false);
  assert.deepEqual(a.transcript, [{ role: "user", text: "hi", images: [] }]);
  assert.equal(a.tools[0]?.name, "toString");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("nulls everywhere: every field of a full request set to null yields a 400 or a request, never a crash", () => {
  const full = {
    model: "m",
    max_tokens: 10,
    stream: true,
    system: [{ type: "text", text: "s" }],
    metadata: { user_id: "u" },
    thinking: { type: "enabled" },
    tools: [{ name: "t", description: "d", input_schema: { type: "object" } }],
    messages: [
      { role: "user", content: [{ type: "text", text: "a" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
      { role: "assistant", content: [{ type: "tool_use", id: "i", name: "t", input: { a: 1 } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "i", content: [{ type: "text", text: "r" }], is_error: false }] },
    ],
  };
  const copies = eachFieldNull(full);
  for (const copy of copies) onlyRelay400("anthropic", copy);
  assert.ok(copies.length > 30);
});

test("huge strings: 16 MB of text and a 16 MB bogus type go through without trouble", () => {
  const big = "é".repeat(8 * 1024 * 1024);
  const req = parseAnthropicRequest({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: big }] }] }, {}, COUNT_TOKENS_BODY);
  assert.equal(req.transcript[0]?.role === "user" && req.transcript[0].text.length, big.length);
  const e = onlyRelay400("", { model: "m", messages: [{ role: "user", content: [{ type: big }] }] });
  assert.ok(e && e.message.length < 200);
  const withUser = (user_id: string) => parseAnthropicRequest({ model: "m", messages: [{ role: "user", content: "x" }], metadata: { user_id } }, {}, COUNT_TOKENS_BODY);
  assert.equal(withUser(big).sessionId, null);
  assert.equal(withUser(big + "_session_abc").sessionId, "abc", "only the tail of a legacy id is read");
});

test("random JSON (fast-check): the parsers return or throw a 400 RelayError, nothing else", () => {
  const anyJson = fc.jsonValue({ maxDepth: 6 });
  const block = fc.oneof(
    anyJson,
    fc.record({ type: fc.constantFrom("text", "image", "tool_use", "tool_result", "document", "thinking", "image_url"), text: anyJson, source: anyJson, content: anyJson, id: anyJson, name: anyJson, input: anyJson, tool_use_id: anyJson, image_url: anyJson }, { requiredKeys: ["type"] }),
  );
  const message = fc.record(
    {
      role: fc.oneof(fc.constantFrom("user", "assistant", "system", "tool", "developer", "function"), anyJson),
      content: fc.oneof(fc.string(), fc.array(block, { maxLength: 4 }), anyJson),
      tool_calls: anyJson,
      tool_call_id: anyJson,
    },
    { requiredKeys: ["role"] },
  );
  const body = fc.oneof(
    anyJson,
    fc.record(
      {
        model: fc.oneof(fc.constant("m"), anyJson),
        messages: fc.oneof(fc.array(message, { maxLength: 4 }), anyJson),
        system: anyJson,
        tools: fc.oneof(fc.array(anyJson, { maxLength: 3 }), anyJson),
        metadata: anyJson,
        thinking: anyJson,
        max_tokens: anyJson,
        stream: anyJson,
        stream_options: anyJson,
        n: anyJson,
      },
      { requiredKeys: [] },
    ),
  );
  fc.assert(
    fc.property(body, (b) => {
      onlyRelay400("anthropic", b);
      onlyRelay400("openai", b);
      onlyRelay400("count_tokens", b);
    }),
    { numRuns: 2000, seed: 20261124 },
  );
});
