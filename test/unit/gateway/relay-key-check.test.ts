import assert from "node:assert/strict";
import { test } from "node:test";
import { requireKey } from "../../../app/gateway/http/auth.ts";
import { requireGeminiKey } from "../../../app/gateway/gemini/auth.ts";
import { expectRelayError } from "../../support/relay-error.ts";

const KEY = "sk-relay-test";

test("the client APIs take the relay key from x-api-key or Bearer; a missing key says how to send it, a wrong one says it is wrong", () => {
  assert.equal(requireKey({ "x-api-key": KEY }, KEY), KEY);
  assert.equal(requireKey({ authorization: `Bearer ${KEY}` }, KEY), KEY);
  assert.match(expectRelayError(() => requireKey({}, KEY), "authentication", 401).message, /missing API key: send the relay key as `x-api-key` or `Authorization: Bearer`/);
  assert.match(expectRelayError(() => requireKey({ "x-api-key": "nope" }, KEY), "authentication", 401).message, /^invalid API key for this relay/);
});

test("the Gemini API takes it from x-goog-api-key or ?key=, with its own hint when missing", () => {
  assert.equal(requireGeminiKey({ "x-goog-api-key": KEY }, new URLSearchParams(), KEY), KEY);
  assert.equal(requireGeminiKey({}, new URLSearchParams({ key: KEY }), KEY), KEY);
  assert.match(expectRelayError(() => requireGeminiKey({}, new URLSearchParams(), KEY), "authentication", 401).message, /missing API key: send the relay key as `x-goog-api-key` \(GEMINI_API_KEY\) or `\?key=`/);
  assert.match(expectRelayError(() => requireGeminiKey({}, new URLSearchParams({ key: "nope" }), KEY), "authentication", 401).message, /^invalid API key for this relay/);
});
