import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { RelayError, type RelayErrorKind } from "../../../app/base/errors.ts";
import type { CursorModel } from "../../../app/cursor/types.ts";
import { anthropicErrorBody, anthropicErrorHeaders } from "../../../app/gateway/anthropic/errors.ts";
import { anthropicModelList } from "../../../app/gateway/anthropic/models.ts";
import { countTokensResponse } from "../../../app/gateway/anthropic/count-tokens.ts";
import { parseAnthropicRequest } from "../../../app/gateway/anthropic/parse-request.ts";
import { openAiErrorBody, openAiErrorHeaders } from "../../../app/gateway/openai/errors.ts";
import { openAiModelList } from "../../../app/gateway/openai/models.ts";
import { parseOpenAiRequest } from "../../../app/gateway/openai/parse-request.ts";
import { IMAGE_TOKENS, estimateInputTokens, estimateTextTokens } from "../../../app/gateway/tokens-estimate.ts";
import { joinTextParts } from "../../../app/gateway/join-text.ts";
import { guardParse } from "../../../app/gateway/validation.ts";
import { thinkingSignature } from "../../../app/gateway/anthropic/thinking-signature.ts";

// Bodies here are about other things: parsed like count_tokens bodies (no max_tokens needed).
const COUNT_TOKENS_BODY = { requireMaxTokens: false };

const err = (kind: RelayErrorKind, status: number, retryAfterMs?: number) =>
  new RelayError({ kind, status, message: `m-${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });

test("Anthropic error types per status (docs.claude.com/en/api/errors)", () => {
  const table: Array<[RelayErrorKind, number, string]> = [
    ["invalid_request", 400, "invalid_request_error"],
    ["authentication", 401, "authentication_error"],
    ["upstream_auth", 401, "authentication_error"],
    ["permission", 403, "permission_error"],
    ["not_found", 404, "not_found_error"],
    ["invalid_request", 405, "invalid_request_error"],
    ["too_large", 413, "request_too_large"],
    ["rate_limited", 429, "rate_limit_error"],
    ["internal", 500, "api_error"],
    ["upstream_internal", 500, "api_error"],
    ["upstream_error", 502, "api_error"],
    ["upstream_unavailable", 503, "overloaded_error"],
    ["no_accounts", 503, "api_error"],
    ["upstream_timeout", 504, "timeout_error"],
  ];
  for (const [kind, status, type] of table) {
    assert.deepEqual(anthropicErrorBody(err(kind, status)), { type: "error", error: { type, message: `m-${status}` } }, `${kind} ${status}`);
  }
});

test("OpenAI error bodies: type per status, code per kind, param null", () => {
  const table: Array<[RelayErrorKind, number, string, string]> = [
    ["invalid_request", 400, "invalid_request_error", "invalid_request"],
    ["authentication", 401, "authentication_error", "invalid_api_key"],
    ["permission", 403, "permission_error", "permission_denied"],
    ["not_found", 404, "not_found_error", "not_found"],
    ["too_large", 413, "invalid_request_error", "request_too_large"],
    ["rate_limited", 429, "rate_limit_error", "rate_limit_exceeded"],
    ["internal", 500, "server_error", "internal_error"],
    ["upstream_error", 502, "server_error", "upstream_error"],
    ["no_accounts", 503, "service_unavailable_error", "no_accounts"],
    ["upstream_timeout", 504, "timeout_error", "upstream_timeout"],
  ];
  for (const [kind, status, type, code] of table) {
    assert.deepEqual(openAiErrorBody(err(kind, status)), { error: { message: `m-${status}`, type, param: null, code } }, `${kind} ${status}`);
  }
});

test("retry headers: seconds rounded up, ms kept, at least one second, none without a hint", () => {
  assert.deepEqual(anthropicErrorHeaders(err("rate_limited", 429, 1500)), { "retry-after": "2", "retry-after-ms": "1500" });
  assert.deepEqual(openAiErrorHeaders(err("rate_limited", 429, 0)), { "retry-after": "1", "retry-after-ms": "1000" });
  assert.deepEqual(anthropicErrorHeaders(err("rate_limited", 429, 30_000)), { "retry-after": "30", "retry-after-ms": "30000" });
  assert.deepEqual(anthropicErrorHeaders(err("rate_limited", 429)), {});
  assert.deepEqual(openAiErrorHeaders(err("rate_limited", 429, Number.NaN)), {});
});

const models: CursorModel[] = [
  { id: "claude-4.5-sonnet", displayName: "Claude 4.5 Sonnet", supportsThinking: true, aliases: ["sonnet-4.5"] },
  { id: "gpt-5", displayName: "", supportsThinking: false, aliases: [] },
  { id: "claude-4.5-sonnet", displayName: "dup", supportsThinking: true, aliases: [] },
];

test("model lists in both shapes (duplicates dropped, display name falls back to the id)", () => {
  assert.deepEqual(anthropicModelList(models), {
    data: [
      { type: "model", id: "claude-4.5-sonnet", display_name: "Claude 4.5 Sonnet", created_at: "1970-01-01T00:00:00Z" },
      { type: "model", id: "gpt-5", display_name: "gpt-5", created_at: "1970-01-01T00:00:00Z" },
    ],
    has_more: false,
    first_id: "claude-4.5-sonnet",
    last_id: "gpt-5",
  });
  assert.deepEqual(anthropicModelList([]), { data: [], has_more: false, first_id: null, last_id: null });
  assert.deepEqual(openAiModelList(models), {
    object: "list",
    data: [
      { id: "claude-4.5-sonnet", object: "model", created: 0, owned_by: "cursor" },
      { id: "gpt-5", object: "model", created: 0, owned_by: "cursor" },
    ],
  });
});

test("estimateTextTokens: UTF-8 bytes ÷ 4, at least 1", () => {
  assert.equal(estimateTextTokens(""), 1);
  assert.equal(estimateTextTokens("abc"), 1);
  assert.equal(estimateTextTokens("abcdefgh"), 2);
  assert.equal(estimateTextTokens("漢字漢字"), 3); // 12 bytes
});

test("estimateInputTokens: the same conversation costs the same through both doors; images cost a flat amount", () => {
  const a = parseAnthropicRequest(
    {
      model: "m",
      system: "Be brief.",
      messages: [
        { role: "user", content: "What is 2+2?" },
        { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "calc", input: { expr: "2+2" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "4" }] },
      ],
      tools: [{ name: "calc", description: "math", input_schema: { type: "object" } }],
    },
    {},
    COUNT_TOKENS_BODY,
  );
  const o = parseOpenAiRequest(
    {
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "What is 2+2?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "calc", arguments: '{"expr":"2+2"}' } }] },
        { role: "tool", tool_call_id: "c1", content: "4" },
      ],
      tools: [{ type: "function", function: { name: "calc", description: "math", parameters: { type: "object" } } }],
    },
    {},
  );
  const expectedBytes = Buffer.byteLength(JSON.stringify({ system: a.system, transcript: a.transcript, tools: a.tools }));
  assert.equal(estimateInputTokens(a), Math.floor(expectedBytes / 4));
  assert.equal(estimateInputTokens(o), estimateInputTokens(a));

  const big = Buffer.alloc(300_000, 7).toString("base64");
  const withImage = parseAnthropicRequest(
    { model: "m", messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: big } }, { type: "text", text: "hi" }] }] },
    {},
    COUNT_TOKENS_BODY,
  );
  const withoutImage = parseAnthropicRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }, {}, COUNT_TOKENS_BODY);
  const delta = estimateInputTokens(withImage) - estimateInputTokens(withoutImage);
  assert.ok(delta >= IMAGE_TOKENS && delta < IMAGE_TOKENS + 10, `image cost ${delta}`);
});

test("count_tokens: validates like a Messages request and answers the estimate", () => {
  const fx = JSON.parse(readFileSync(new URL("../../fixtures/claude-code/first-turn-request.json", import.meta.url), "utf8"));
  const { max_tokens: _m, stream: _s, ...countBody } = fx.body;
  const res = countTokensResponse(countBody, fx.headers);
  assert.deepEqual(res, { input_tokens: estimateInputTokens(parseAnthropicRequest(fx.body, fx.headers)) });
  assert.ok(res.input_tokens > 10_000, "a 76 KB Claude Code request is many thousand tokens");
  assert.throws(() => countTokensResponse({ messages: [] }), (e: unknown) => e instanceof RelayError && e.status === 400 && /^model:/.test(e.message));
  assert.throws(() => countTokensResponse({ model: "m", messages: [] }), (e: unknown) => e instanceof RelayError && /^messages:/.test(e.message));
});

test("joinTextParts: newline only where needed, empty parts skipped", () => {
  assert.equal(joinTextParts([]), "");
  assert.equal(joinTextParts(["a"]), "a");
  assert.equal(joinTextParts(["a", "b"]), "a\nb");
  assert.equal(joinTextParts(["a\n", "b"]), "a\nb");
  assert.equal(joinTextParts(["a\n\n", "b"]), "a\n\nb");
  assert.equal(joinTextParts(["", "a", "", "b", ""]), "a\nb");
});

test("guardParse turns anything thrown into a 400 RelayError and lets RelayErrors through", () => {
  assert.throws(
    () =>
      guardParse(() => {
        throw new TypeError("boom");
      }),
    (e: unknown) => e instanceof RelayError && e.status === 400 && e.message === "request could not be read: boom",
  );
  const original = err("invalid_request", 400);
  assert.throws(
    () =>
      guardParse(() => {
        throw original;
      }),
    (e: unknown) => e === original,
  );
  assert.equal(
    guardParse(() => 5),
    5,
  );
});

test("thinking signatures: deterministic, text-dependent, non-empty base64", () => {
  assert.equal(thinkingSignature("a"), thinkingSignature("a"));
  assert.notEqual(thinkingSignature("a"), thinkingSignature("b"));
  assert.match(thinkingSignature(""), /^[A-Za-z0-9+/]{43}=$/);
});

test("GET /v1/models/{id}: one model in each client's shape", async () => {
  const { anthropicModelInfo } = await import("../../../app/gateway/anthropic/models.ts");
  const { openAiModel } = await import("../../../app/gateway/openai/models.ts");
  const m = { id: "gpt-5", displayName: "", thinking: false };
  assert.deepEqual(anthropicModelInfo(m as never), { type: "model", id: "gpt-5", display_name: "gpt-5", created_at: "1970-01-01T00:00:00Z" });
  assert.deepEqual(openAiModel(m as never), { id: "gpt-5", object: "model", created: 0, owned_by: "cursor" });
});
