// GET /v1/models/{id}: one model in the client's shape (Anthropic with anthropic-version,
// OpenAI without), read by the real SDKs; an unknown id is a 404 in the client's format.
import assert from "node:assert/strict";
import { test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startHarness } from "../../support/relay-harness.ts";

test("GET /v1/models/{id} answers the model in the Anthropic and OpenAI shapes; unknown ids are 404s", async (t) => {
  const h = await startHarness(t);

  const a = await h.anthropic().models.retrieve("claude-4.5-sonnet");
  assert.deepEqual({ ...a }, { type: "model", id: "claude-4.5-sonnet", display_name: "Claude 4.5 Sonnet", created_at: "1970-01-01T00:00:00Z" });
  const o = await h.openai().models.retrieve("composer-2");
  assert.deepEqual({ ...o }, { id: "composer-2", object: "model", created: 0, owned_by: "cursor" });

  await assert.rejects(h.anthropic().models.retrieve("no-such-model"), (e: unknown) => {
    assert.ok(e instanceof Anthropic.NotFoundError);
    assert.equal((e.error as { error: { type: string } }).error.type, "not_found_error");
    assert.match(e.message, /model not found: no-such-model \(GET \/v1\/models lists the models\)/);
    return true;
  });
  await assert.rejects(h.openai().models.retrieve("no-such-model"), (e: unknown) => {
    assert.ok(e instanceof OpenAI.NotFoundError);
    assert.match(e.message, /model not found: no-such-model \(GET \/v1\/models lists the models\)/);
    return true;
  });

  // Still behind the relay key, and percent-encoded ids are decoded.
  const unauth = await fetch(`${h.url}/v1/models/composer-2`);
  assert.equal(unauth.status, 401);
  const encoded = await fetch(`${h.url}/v1/models/composer%2D2`, { headers: { authorization: `Bearer ${h.key}` } });
  assert.equal(encoded.status, 200);
  assert.equal(((await encoded.json()) as { id: string }).id, "composer-2");
  const get = (path: string) => fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${h.key}` } });
  const slash = await get("/v1/models/composer-2/");
  assert.equal(slash.status, 200, "a trailing slash names the same model");
  assert.equal(((await slash.json()) as { id: string }).id, "composer-2");
  const badEscape = await get("/v1/models/%ZZ");
  assert.equal(badEscape.status, 404, "a malformed escape is looked up as written: a plain 404, never a 500");
  assert.match(((await badEscape.json()) as { error: { message: string } }).error.message, /model not found: %ZZ/);
  const nested = await get("/v1/models/a/b");
  assert.equal(nested.status, 404, "an id is one path segment");
  assert.match(((await nested.json()) as { error: { message: string } }).error.message, /no route for GET \/v1\/models\/a\/b/);
  const post = await fetch(`${h.url}/v1/models/composer-2`, { method: "POST", headers: { authorization: `Bearer ${h.key}` } });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET", "a 405 says which methods the path allows");
  const head = await fetch(`${h.url}/v1/chat/completions`, { method: "GET", headers: { authorization: `Bearer ${h.key}` } });
  assert.equal(head.status, 405);
  assert.equal(head.headers.get("allow"), "POST");
  assert.match(((await head.json()) as { error: { message: string } }).error.message, /GET is not allowed on \/v1\/chat\/completions \(use POST\)/);
});
