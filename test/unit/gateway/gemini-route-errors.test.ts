// Which paths are Gemini requests, what they name, Google's error statuses, the model list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { apiOf } from "../../../app/gateway/gateway.ts";
import { presentedGeminiKey } from "../../../app/gateway/gemini/auth.ts";
import { geminiErrorBody, geminiErrorStatus } from "../../../app/gateway/gemini/errors.ts";
import { geminiModelList } from "../../../app/gateway/gemini/models.ts";
import { geminiTarget, isGeminiRequest } from "../../../app/gateway/gemini/route.ts";
import { queryOf, urlOf } from "../../../app/gateway/request-context.ts";
import type { IncomingMessage } from "node:http";

test("Gemini paths: every /v1beta/ path, /v1/models/{m}:method, and /v1/models only with a Google client header", () => {
  assert.equal(apiOf("/v1beta/models/gemini-2.5-pro:generateContent", {}), "gemini");
  assert.equal(apiOf("/v1beta/anything", { "anthropic-version": "2023-06-01" }), "gemini");
  assert.equal(apiOf("/v1/models/gemini-2.5-pro:streamGenerateContent", {}), "gemini");
  assert.equal(apiOf("/v1/models/gemini-2.5-pro%3AcountTokens", {}), "gemini");
  assert.equal(apiOf("/v1/models", {}), "openai");
  assert.equal(apiOf("/v1/models", { "anthropic-version": "2023-06-01" }), "anthropic");
  assert.equal(apiOf("/v1/models", { "x-goog-api-key": "k" }), "gemini");
  assert.equal(isGeminiRequest("/v1/models/gpt-5", { "x-goog-api-client": "google-genai-sdk/3.3.0" }), true);
  assert.equal(isGeminiRequest("/v1/messages", { "x-goog-api-key": "k" }), false);
});

test("geminiTarget: list, one model, a method (percent-encoded colon too); unknown methods and paths are 404", () => {
  assert.deepEqual(geminiTarget("/v1beta/models/"), { kind: "list" });
  assert.deepEqual(geminiTarget("/v1/models"), { kind: "list" });
  assert.deepEqual(geminiTarget("/v1beta/models/gemini-2.5-pro"), { kind: "model", model: "gemini-2.5-pro" });
  assert.deepEqual(geminiTarget("/v1beta/models/gemini-3.1-pro-preview:streamGenerateContent"), {
    kind: "method",
    model: "gemini-3.1-pro-preview",
    method: "streamGenerateContent",
  });
  assert.deepEqual(geminiTarget("/v1beta/models/m%3AcountTokens"), { kind: "method", model: "m", method: "countTokens" });
  for (const path of ["/v1beta/models/m:embedContent", "/v1beta/models/:generateContent", "/v1beta/files", "/v1beta/models/a/b", "/v1beta/models/%E0%A4%A"]) {
    assert.throws(() => geminiTarget(path), (e: unknown) => e instanceof RelayError && e.status === 404, path);
  }
});

test("the key: x-goog-api-key, then x-api-key / Bearer, then ?key=", () => {
  const q = (s: string) => new URLSearchParams(s);
  assert.equal(presentedGeminiKey({ "x-goog-api-key": " a " }, q("key=b")), "a");
  assert.equal(presentedGeminiKey({ authorization: "Bearer c" }, q("key=b")), "c");
  assert.equal(presentedGeminiKey({}, q("key=b")), "b");
  assert.equal(presentedGeminiKey({ "x-goog-api-key": "" }, q("key=")), null);
});

test("errors: code is the HTTP status, status the google.rpc name", () => {
  const names = [400, 401, 403, 404, 405, 413, 429, 500, 502, 503, 504].map(geminiErrorStatus);
  assert.deepEqual(names, [
    "INVALID_ARGUMENT",
    "UNAUTHENTICATED",
    "PERMISSION_DENIED",
    "NOT_FOUND",
    "INVALID_ARGUMENT",
    "INVALID_ARGUMENT",
    "RESOURCE_EXHAUSTED",
    "INTERNAL",
    "UNAVAILABLE",
    "UNAVAILABLE",
    "DEADLINE_EXCEEDED",
  ]);
  assert.deepEqual(geminiErrorBody(new RelayError({ kind: "rate_limited", status: 429, message: "cooling" })), {
    error: { code: 429, message: "cooling", status: "RESOURCE_EXHAUSTED" },
  });
});

test("models: Gemini's list shape, each id once", () => {
  const list = geminiModelList([
    { id: "composer-2", displayName: "Composer 2", supportsThinking: true, aliases: [] },
    { id: "composer-2", displayName: "dup", supportsThinking: true, aliases: [] },
    { id: "gpt-5", displayName: "", supportsThinking: false, aliases: [] },
  ]);
  assert.deepEqual(
    list.models.map((m) => [m.name, m.displayName, m.supportedGenerationMethods.includes("generateContent")]),
    [
      ["models/composer-2", "Composer 2", true],
      ["models/gpt-5", "gpt-5", true],
    ],
  );
});

test("a request's target is parsed once: the path, ?key= and ?alt=sse come from the same URL; an unreadable one reads as /", () => {
  const req = { url: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=k" } as IncomingMessage;
  assert.equal(urlOf(req), urlOf(req));
  assert.equal(urlOf(req).pathname, "/v1beta/models/gemini-2.5-pro:streamGenerateContent");
  assert.equal(queryOf(req).get("alt"), "sse");
  assert.equal(queryOf(req).get("key"), "k");
  const bad = { url: "//" } as IncomingMessage;
  assert.equal(urlOf(bad).pathname, "/");
  assert.equal([...queryOf(bad)].length, 0);
});
