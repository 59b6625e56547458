// What the relay sends Cursor on a Run, seen at the fake: `te: trailers` like Cursor's own
// client, and the client version a user set (environment over settings.json), so a
// Cursor-side version gate can be followed without a new release.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_CLIENT_VERSION } from "../../../app/cursor/transport.ts";
import { startHarness } from "../../support/relay-harness.ts";

const ask = { model: "claude-opus-4-8", max_tokens: 50, messages: [{ role: "user" as const, content: "hi" }] };

test("a Run carries te: trailers and the default client version", async (t) => {
  const h = await startHarness(t, { relay: { env: {} } });
  await h.anthropic().messages.create(ask);
  const headers = h.fake.runs[0]!.headers;
  assert.equal(headers.te, "trailers");
  assert.equal(headers["x-cursor-client-version"], DEFAULT_CLIENT_VERSION);
  assert.equal(h.fake.modelRequests.at(-1)?.headers.te, "trailers", "GetUsableModels too");
});

test("CURSOR_RELAY_CLIENT_VERSION overrides the client version header", async (t) => {
  const h = await startHarness(t, { relay: { env: { CURSOR_RELAY_CLIENT_VERSION: "cli-2027.01.31-0abcdef" } } });
  await h.anthropic().messages.create(ask);
  assert.equal(h.fake.runs[0]!.headers["x-cursor-client-version"], "cli-2027.01.31-0abcdef");
});
