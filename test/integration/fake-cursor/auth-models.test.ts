// Login poll, browser page, refresh and GetUsableModels on the fake, over real sockets
// (fetch for the HTTP/1.1 routes, connect-node over h2c for the unary RPC).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { decodeJwt } from "jose";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AgentService } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { DEFAULT_MODELS, startFakeCursor } from "../../fake-cursor/index.ts";

const challengeOf = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

async function poll(url: string, uuid: string, verifier = "v-123") {
  const res = await fetch(`${url}/auth/poll?uuid=${uuid}&verifier=${verifier}`);
  return { status: res.status, body: await res.text() };
}

test("login: pending once, then tokens; each login a new sub; exp = iat + 1 h", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  assert.equal((await poll(fake.url, "u1")).status, 404);
  const done = await poll(fake.url, "u1");
  assert.equal(done.status, 200);
  const pair = JSON.parse(done.body) as { accessToken: string; refreshToken: string };
  const claims = decodeJwt(pair.accessToken);
  assert.equal(claims.sub, "auth0|user_fake_1");
  assert.equal(claims.exp! - claims.iat!, 3600);
  assert.ok(Math.abs(claims.iat! - Date.now() / 1000) < 5);
  assert.equal((await poll(fake.url, "u1")).status, 200); // the same uuid keeps answering
  await poll(fake.url, "u2");
  const second = JSON.parse((await poll(fake.url, "u2")).body) as { accessToken: string };
  assert.equal(decodeJwt(second.accessToken).sub, "auth0|user_fake_2");
  assert.deepEqual(fake.logins.map((l) => [l.uuid, l.status, l.sub, l.polls]), [
    ["u1", "completed", "auth0|user_fake_1", 3],
    ["u2", "completed", "auth0|user_fake_2", 2],
  ]);
});

test("login page approves a uuid; a verifier that does not match its challenge gets 403", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const page = await fetch(`${fake.url}/loginDeepControl?challenge=${challengeOf("good")}&uuid=u3&mode=login&redirectTarget=cli`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /You are logged in to fake Cursor/);
  assert.equal((await poll(fake.url, "u3", "bad")).status, 403);
  assert.equal((await poll(fake.url, "u3", "good")).status, 404);
  assert.equal((await poll(fake.url, "u3", "good")).status, 200);
  assert.equal(fake.logins[0]!.visited, true);
});

test("login scenario: pendingPolls, subs, TTL, failure and never-complete", async (t) => {
  const fake = await startFakeCursor({ scenario: { turns: [[{ text: "x" }]], login: { pendingPolls: 2, subs: ["auth0|user_a"], accessTtlSeconds: 600 } } });
  t.after(() => fake.close());
  assert.equal((await poll(fake.url, "a")).status, 404);
  assert.equal((await poll(fake.url, "a")).status, 404);
  const body = JSON.parse((await poll(fake.url, "a")).body) as { accessToken: string };
  const claims = decodeJwt(body.accessToken);
  assert.equal(claims.sub, "auth0|user_a");
  assert.equal(claims.exp! - claims.iat!, 600);

  fake.setScenario({ turns: [[{ text: "x" }]], login: { pendingPolls: 0, fail: { status: 500, body: "rejected" } } });
  assert.deepEqual(await poll(fake.url, "b"), { status: 500, body: "rejected" });
  fake.setScenario({ turns: [[{ text: "x" }]], login: { neverComplete: true } });
  for (let i = 0; i < 4; i++) assert.equal((await poll(fake.url, "c")).status, 404);
});

test("refresh: same sub, new tokens; unknown or revoked refresh tokens get 401", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  await poll(fake.url, "r");
  const first = JSON.parse((await poll(fake.url, "r")).body) as { accessToken: string; refreshToken: string };
  const refresh = (token: string) =>
    fetch(`${fake.url}/auth/exchange_user_api_key`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
  const res = await refresh(first.refreshToken);
  assert.equal(res.status, 200);
  const next = (await res.json()) as { accessToken: string; refreshToken: string };
  assert.notEqual(next.accessToken, first.accessToken);
  assert.notEqual(next.refreshToken, first.refreshToken);
  assert.equal(decodeJwt(next.accessToken).sub, "auth0|user_fake_1");
  assert.equal((await refresh("fake_rt_unknown")).status, 401);
  fake.revokeRefreshToken(next.refreshToken);
  assert.equal((await refresh(next.refreshToken)).status, 401);
  assert.deepEqual(fake.refreshes.map((r) => [r.status, r.sub]), [[200, "auth0|user_fake_1"], [401, null], [401, null]]);
});

test("GetUsableModels: the model list over Connect unary, 502 when the scenario fails it, 401 without a token", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const client = createClient(AgentService, createConnectTransport({ httpVersion: "2", baseUrl: fake.url, useBinaryFormat: true }));
  const headers = { authorization: `Bearer ${fake.mintAccessToken("auth0|m")}` };
  const res = await client.getUsableModels({}, { headers });
  assert.deepEqual(res.models.map((m) => m.modelId), DEFAULT_MODELS.map((m) => m.id));
  assert.equal(res.models[0]!.thinkingDetails !== undefined, true);
  assert.equal(res.models.find((m) => m.modelId === "cursor-small")!.thinkingDetails, undefined);

  fake.setScenario({ turns: [[{ text: "x" }]], models: { list: [{ id: "only-one", displayName: "Only One", aliases: ["one"] }] } });
  const custom = await client.getUsableModels({}, { headers });
  assert.deepEqual(custom.models.map((m) => [m.modelId, m.displayName, m.aliases]), [["only-one", "Only One", ["one"]]]);

  fake.setScenario({ turns: [[{ text: "x" }]], models: { fail: true } });
  const err = await client.getUsableModels({}, { headers }).then(() => null, (e: unknown) => ConnectError.from(e));
  assert.equal(err?.code, Code.Unavailable);
  const noAuth = await client.getUsableModels({}).then(() => null, (e: unknown) => ConnectError.from(e));
  assert.equal(noAuth?.code, Code.Unauthenticated);
  assert.deepEqual(fake.modelRequests.map((r) => [r.status, r.sub]), [[200, "auth0|m"], [200, "auth0|m"], [502, "auth0|m"], [401, null]]);
});
