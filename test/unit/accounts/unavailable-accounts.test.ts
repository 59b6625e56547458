import { test } from "node:test";
import assert from "node:assert/strict";
import { unavailableError, type AccountAvailability } from "../../../app/accounts/unavailable-accounts.ts";
import { anthropicErrorBody, anthropicErrorHeaders } from "../../../app/gateway/anthropic/errors.ts";
import { openAiErrorBody, openAiErrorHeaders } from "../../../app/gateway/openai/errors.ts";

const NOW = 1_000_000;
const base = (id: string): AccountAvailability => ({
  id,
  authExpired: false,
  disabledReason: null,
  cooldownUntil: null,
  cooldownStatus: null,
  cooldownReason: null,
});
const cooling = (id: string, ms: number, status: number, reason: string): AccountAvailability => ({
  ...base(id),
  cooldownUntil: NOW + ms,
  cooldownStatus: status,
  cooldownReason: reason,
});
const QUOTA = "Cursor rate limit or quota reached (resource_exhausted: You've hit your usage limit for Opus)";
const STALL = "Cursor sent nothing for 90 s (stalled stream)";
const SERVER = "Cursor reported an internal error (internal: boom)";
const REFUSED = "Cursor denied access for this account (permission_denied: team plan required)";

test("a single account cooling after a stall: 503 naming the stall, not a rate limit, and not retryable", () => {
  const err = unavailableError([cooling("cursor.a", 10_000, 504, STALL)], new Set(["cursor.a"]), NOW);
  assert.equal(err.status, 503);
  assert.equal(err.kind, "no_accounts");
  assert.equal(err.retryable, false);
  assert.equal(err.retryAfterMs, 10_000);
  assert.equal(err.message, `no Cursor account can take this request now (the first is ready again in 10 s) — cursor.a is cooling down for 10 s more after: ${STALL}`);
  // What clients see: Anthropic api_error (Claude Code retries any overloaded_error whatever
  // the headers say), OpenAI service_unavailable_error; both with x-should-retry: false.
  assert.equal(anthropicErrorBody(err).error.type, "api_error");
  assert.equal(openAiErrorBody(err).error.type, "service_unavailable_error");
  assert.deepEqual(anthropicErrorHeaders(err), { "retry-after": "10", "retry-after-ms": "10000", "x-should-retry": "false" });
  assert.deepEqual(openAiErrorHeaders(err), { "retry-after": "10", "retry-after-ms": "10000", "x-should-retry": "false" });
});

test("every account out of quota: 429 with Cursor's words per account; retryable only while the wait fits a client's retry loop", () => {
  const short = unavailableError([cooling("cursor.a", 30_000, 429, QUOTA), cooling("cursor.b", 45_000, 429, "Cursor rate limit or quota reached (resource_exhausted: slow down)")], new Set(["cursor.a", "cursor.b"]), NOW);
  assert.equal(short.status, 429);
  assert.equal(short.kind, "rate_limited");
  assert.equal(short.retryAfterMs, 30_000);
  assert.equal(short.retryable, undefined);
  assert.match(short.message, /^every Cursor account is rate-limited or out of quota; the first is ready again in 30 s — /);
  assert.ok(short.message.includes(`cursor.a is cooling down for 30 s more after: ${QUOTA}`));
  assert.ok(short.message.includes("cursor.b is cooling down for 45 s more after: Cursor rate limit or quota reached (resource_exhausted: slow down)"));
  assert.deepEqual(anthropicErrorHeaders(short), { "retry-after": "30", "retry-after-ms": "30000" });

  const long = unavailableError([cooling("cursor.a", 30 * 60_000, 429, QUOTA)], new Set(["cursor.a"]), NOW);
  assert.equal(long.status, 429);
  assert.equal(long.retryable, false, "a 30 min wait is past what any client's retry loop sits out");
  assert.equal(anthropicErrorHeaders(long)["x-should-retry"], "false");
});

test("mixed reasons: quota, a server error, refused credentials and an auth-expired account are each named; 503", () => {
  const err = unavailableError(
    [
      cooling("cursor.a", 60_000, 429, QUOTA),
      cooling("cursor.b", 20_000, 500, SERVER),
      cooling("cursor.c", 30 * 60_000, 403, REFUSED),
      { ...base("cursor.d"), authExpired: true },
    ],
    new Set(["cursor.a", "cursor.b", "cursor.c"]),
    NOW,
  );
  assert.equal(err.status, 503);
  assert.equal(err.retryable, false);
  assert.equal(err.retryAfterMs, 20_000);
  for (const part of [
    `cursor.a is cooling down for 60 s more after: ${QUOTA}`,
    `cursor.b is cooling down for 20 s more after: ${SERVER}`,
    `cursor.c is cooling down for 1800 s more after: ${REFUSED}`,
    "cursor.d needs a new login (run `cursor-relay login`)",
  ]) {
    assert.ok(err.message.includes(part), `${part}\nnot in\n${err.message}`);
  }
  assert.doesNotMatch(err.message, /rate-limited/, "not presented as a rate limit");
});

test("one account out of quota, another auth expired: still a quota wait (the expired one is no candidate), and both are named", () => {
  const err = unavailableError([cooling("cursor.a", 20_000, 429, QUOTA), { ...base("cursor.b"), authExpired: true }], new Set(["cursor.a"]), NOW);
  assert.equal(err.status, 429);
  assert.ok(err.message.includes("cursor.b needs a new login"), err.message);
  assert.ok(err.message.includes(QUOTA), err.message);
});

test("nothing cooling, every account auth expired or disabled: 503 that says what to do, not retryable", () => {
  const err = unavailableError([{ ...base("cursor.a"), authExpired: true }, { ...base("cursor.b"), disabledReason: "Cursor denied access (permission_denied: plan)" }], new Set(), NOW);
  assert.equal(err.status, 503);
  assert.equal(err.kind, "no_accounts");
  assert.equal(err.retryable, false);
  assert.equal(err.retryAfterMs, undefined);
  assert.match(err.message, /^all accounts are disabled or need a new login: run `cursor-relay login`, or `cursor-relay accounts reset <id>` — /);
  assert.ok(err.message.includes("cursor.a needs a new login"));
  assert.ok(err.message.includes("cursor.b is disabled until reset (Cursor denied access (permission_denied: plan))"));
});
