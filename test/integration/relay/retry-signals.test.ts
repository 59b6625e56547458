// What the SDKs' retry loops do with the relay's answers when no account can serve: a
// stall or a long quota wait is named, never dressed up as a short rate limit, and the
// answer says `x-should-retry: false` so the Anthropic and OpenAI SDKs stop at once
// instead of burning their retries (counted at the relay and at the fake).
import assert from "node:assert/strict";
import { test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startHarness, type Harness } from "../../support/relay-harness.ts";

const MODEL = "claude-opus-4-8";
const user = [{ role: "user" as const, content: "hi" }];
const clientRequests = (h: Harness) => h.logLines.filter((l) => /"method":"POST","path":"\/v1\/(messages|chat\/completions)"/.test(l)).length;
const STALL = /Cursor sent nothing for 1 s \(stalled stream\)/;

test("one account stalls mid-answer: the SDK's retry gets a 503 naming the stall and stops; later requests name it too", async (t) => {
  const h = await startHarness(t, {
    scenario: { turns: [[{ text: "Partial " }, { tokens: 1 }, { silence: true }]] },
    relay: { cursor: { stallTimeoutMs: 1000 } },
  });

  const err = await h.anthropic({ maxRetries: 3 }).messages.create({ model: MODEL, max_tokens: 50, messages: user }).catch((e: unknown) => e);
  assert.ok(err instanceof Anthropic.APIError, String(err));
  assert.equal(err.status, 503);
  assert.equal(err.headers?.get("x-should-retry"), "false");
  assert.match(err.message, STALL);
  assert.doesNotMatch(err.message, /rate/);
  assert.equal(clientRequests(h), 2, "the 504 of the stall was retried once by the SDK; the 503 was not");
  assert.equal(h.fake.runs.length, 1, "the cooling account was not asked again");

  const again = await h.openai({ maxRetries: 3 }).chat.completions.create({ model: "gpt-5", messages: user }).catch((e: unknown) => e);
  assert.ok(again instanceof OpenAI.APIError, String(again));
  assert.equal(again.status, 503);
  assert.match(again.message, STALL, "a later request still carries the account's reason");
  assert.equal(clientRequests(h), 3, "no retry");
});

test("every account out of quota for longer than a client waits: 429 with Cursor's words and x-should-retry: false, not retried", async (t) => {
  const h = await startHarness(t, {
    accounts: ["alpha", "beta"],
    scenario: { turns: [[{ fail: "resource_exhausted", message: "You've hit your usage limit" }]] },
    relay: { rotation: { backoff: { rateLimitFirstMs: 10 * 60_000 } } },
  });
  const err = await h.anthropic({ maxRetries: 3 }).messages.create({ model: MODEL, max_tokens: 50, messages: user }).catch((e: unknown) => e);
  assert.ok(err instanceof Anthropic.RateLimitError, String(err));
  assert.equal(err.headers?.get("x-should-retry"), "false");
  assert.equal(Number(err.headers?.get("retry-after")), 600);
  assert.match(err.message, /cursor\.alpha is cooling down for 600 s more after: .*You've hit your usage limit/);
  assert.match(err.message, /cursor\.beta is cooling down for 600 s more after: .*You've hit your usage limit/);
  assert.equal(clientRequests(h), 1, "not retried");
  assert.equal(h.fake.runs.length, 2, "each account tried once");

  const later = await h.openai({ maxRetries: 3 }).chat.completions.create({ model: "gpt-5", messages: user }).catch((e: unknown) => e);
  assert.ok(later instanceof OpenAI.RateLimitError, String(later));
  assert.match(later.message, /You've hit your usage limit/, "Cursor's words also on a later request");
  assert.equal(clientRequests(h), 2);
});
