// Who gets in, over real sockets. The relay API: no key or a wrong key is a 401 in the
// client's own format on every route. The management API: only its own key (the relay
// key does not open it, and its key does not open the relay API); a Host that is not a
// loopback name is refused (DNS rebinding); a foreign browser Origin is refused, the SSE
// stream too; and no response anywhere carries a CORS header that would let a page read it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keysEqual } from "../../app/gateway/http/auth.ts";
import { startHarness, type Harness } from "../support/relay-harness.ts";
import { anthropicErrorProblems, corsProblems, managementErrorProblems, openAiErrorProblems } from "../fuzz/support/formats.ts";
import { createFuzzClient, rawExchange, type FuzzClient, type FuzzResponse } from "../fuzz/support/http-client.ts";

const MODEL = "claude-opus-4-8";
const chatBody = Buffer.from(JSON.stringify({ model: MODEL, max_tokens: 8, messages: [{ role: "user", content: "hi" }] }));

async function setup(t: { after(fn: () => unknown): void }): Promise<{ h: Harness; client: FuzzClient; host: string }> {
  const h = await startHarness(t);
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  return { h, client, host: `127.0.0.1:${h.app.port}` };
}

const relayRoutes = [
  { method: "POST", path: "/v1/messages", api: "anthropic" as const, body: chatBody },
  { method: "POST", path: "/v1/messages/count_tokens", api: "anthropic" as const, body: chatBody },
  { method: "POST", path: "/v1/chat/completions", api: "openai" as const, body: chatBody },
  { method: "GET", path: "/v1/models", api: "openai" as const, body: undefined },
];

test("relay API: no key, a wrong key, a near-miss key or the management key → 401 in the client's format on every route", async (t) => {
  const { h, client } = await setup(t);
  const presentations: [string, Record<string, string>][] = [
    ["none", {}],
    ["wrong x-api-key", { "x-api-key": "sk-not-the-key-at-all" }],
    ["wrong bearer", { authorization: "Bearer sk-not-the-key-at-all" }],
    ["key minus its last character", { "x-api-key": h.key.slice(0, -1) }],
    ["key plus a character", { "x-api-key": `${h.key}x` }],
    ["key in another case", { "x-api-key": h.key.toUpperCase() === h.key ? h.key.toLowerCase() : h.key.toUpperCase() }],
    ["empty bearer", { authorization: "Bearer " }],
    ["basic auth with the key", { authorization: `Basic ${Buffer.from(`x:${h.key}`).toString("base64")}` }],
    ["the management key", { "x-api-key": h.app.managementKey }],
    ["the management key as bearer", { authorization: `Bearer ${h.app.managementKey}` }],
  ];
  for (const route of relayRoutes) {
    for (const [name, headers] of presentations) {
      const res = await client.send({ method: route.method, path: route.path, headers: { ...headers, "content-type": "application/json" }, body: route.body });
      assert.equal(res.status, 401, `${route.path} with ${name}: ${res.body.toString("utf8")}`);
      assert.deepEqual(route.api === "anthropic" ? anthropicErrorProblems(res) : openAiErrorProblems(res), [], `${route.path} ${name}`);
      assert.deepEqual(corsProblems(res), []);
      assert.doesNotMatch(res.body.toString("utf8"), new RegExp(h.key), "the 401 never echoes the key");
    }
    // The right key, either way it may be sent, is accepted.
    for (const headers of [{ "x-api-key": h.key }, { authorization: `Bearer ${h.key}` }] as Record<string, string>[]) {
      const ok = await client.send({ method: route.method, path: route.path, headers: { ...headers, "content-type": "application/json" }, body: route.body });
      assert.equal(ok.status, 200, `${route.path}: ${ok.body.toString("utf8")}`);
    }
  }
  // /v1/models speaks Anthropic when the client says anthropic-version.
  const anth = await client.send({ method: "GET", path: "/v1/models", headers: { "anthropic-version": "2023-06-01" } });
  assert.equal(anth.status, 401);
  assert.deepEqual(anthropicErrorProblems(anth), []);
  assert.equal(h.fake.runs.length, 4, "only the accepted chat requests (2 routes × 2 ways) reached Cursor");
});

test("key comparison: equal only for the same string, any length, no exception on a length mismatch", () => {
  const key = "sk-relay-0123456789abcdef";
  assert.equal(keysEqual(key, key), true);
  for (const other of ["", "s", key.slice(0, -1), `${key}0`, key.toUpperCase(), "x".repeat(10_000), `${key}\u0000`]) {
    assert.equal(keysEqual(other, key), false, JSON.stringify(other.slice(0, 30)));
  }
});

test("management API: only its own key — the relay key, a wrong key or none is 401, with a Bearer challenge", async (t) => {
  const { h, client } = await setup(t);
  for (const [name, headers] of [
    ["none", {}],
    ["the relay key", { authorization: `Bearer ${h.key}` }],
    ["the relay key as x-api-key", { "x-api-key": h.key }],
    ["the management key as x-api-key", { "x-api-key": h.app.managementKey }],
    ["a wrong key", { authorization: `Bearer ${h.app.managementKey.slice(0, -2)}zz` }],
  ] as [string, Record<string, string>][]) {
    for (const [method, path] of [
      ["GET", "/v0/management/snapshot"],
      ["GET", "/v0/management/events"],
      ["POST", "/v0/management/relay-key/reveal"],
      ["POST", "/v0/management/proxy"],
    ]) {
      const res = await client.send({ method: method!, path: path!, headers });
      assert.equal(res.status, 401, `${method} ${path} with ${name}`);
      assert.deepEqual(managementErrorProblems(res), []);
      assert.match(String(res.headers["www-authenticate"]), /^Bearer /);
      assert.deepEqual(corsProblems(res), []);
    }
  }
  const ok = await client.send({ method: "GET", path: "/v0/management/snapshot", headers: { authorization: `Bearer ${h.app.managementKey}` } });
  assert.equal(ok.status, 200);
});

test("management API: a Host that is not a loopback name is 421 even with the right key (DNS rebinding); a missing or empty Host too", async (t) => {
  const { h, client } = await setup(t);
  const auth = { authorization: `Bearer ${h.app.managementKey}` };
  for (const host of ["evil.example", `evil.example:${h.app.port}`, `127.0.0.1.nip.io:${h.app.port}`, `localhost.evil.example`, "127.0.0.2", "0.0.0.0", `[::ffff:127.0.0.1]:${h.app.port}`, "LOCALHOST.", "10.0.0.1"]) {
    for (const path of ["/v0/management/snapshot", "/v0/management/events", "/ui/"]) {
      const res = await client.send({ method: "GET", path, headers: { ...auth, host } });
      assert.equal(res.status, 421, `${host} ${path}`);
      assert.deepEqual(corsProblems(res), []);
      if (path !== "/ui/") assert.deepEqual(managementErrorProblems(res), []);
    }
  }
  for (const host of [`127.0.0.1:${h.app.port}`, `localhost:${h.app.port}`, `LOCALHOST:${h.app.port}`, `[::1]:${h.app.port}`, "127.0.0.1"]) {
    const res = await client.send({ method: "GET", path: "/v0/management/snapshot", headers: { ...auth, host } });
    assert.equal(res.status, 200, host);
  }
  // HTTP/1.0 needs no Host; an empty one is not loopback either.
  for (const hostLine of ["", "host: \r\n"]) {
    const raw = await rawExchange(h.app.port!, `GET /v0/management/snapshot HTTP/1.0\r\n${hostLine}authorization: Bearer ${h.app.managementKey}\r\n\r\n`);
    assert.match(raw.text, /^HTTP\/1\.[01] 421 /, JSON.stringify(hostLine));
  }
});

test("management API: a cross-origin browser request is 403 — also the SSE stream and a CORS preflight — and nothing ever carries a CORS header", async (t) => {
  const { h, client, host } = await setup(t);
  const auth = { authorization: `Bearer ${h.app.managementKey}` };
  for (const origin of ["http://evil.example", "null", `http://localhost:${h.app.port}`, `https://${host}`, `http://${host}.evil.example`, "file://"]) {
    for (const [method, path, extra] of [
      ["GET", "/v0/management/snapshot", {}],
      ["GET", "/v0/management/events", {}],
      ["POST", "/v0/management/proxy", { "content-type": "application/json" }],
      ["OPTIONS", "/v0/management/snapshot", { "access-control-request-method": "POST", "access-control-request-headers": "authorization" }],
      ["GET", "/ui/", {}],
    ] as [string, string, Record<string, string>][]) {
      const res = await client.send({
        method,
        path,
        headers: { ...auth, ...extra, origin },
        body: method === "POST" ? Buffer.from('{"running":false}') : undefined,
      });
      assert.equal(res.status, 403, `${origin} ${method} ${path}`);
      assert.deepEqual(corsProblems(res), [], `${origin} ${method} ${path}`);
    }
  }
  assert.equal((await h.app.control.getSnapshot()).proxy.running, true, "the cross-origin POST changed nothing");
  // The dashboard's own origin works, and its SSE stream has no CORS header either.
  const own = await client.send({ method: "GET", path: "/v0/management/events", headers: { ...auth, origin: `http://${host}` } });
  assert.equal(own.status, 200);
  assert.equal(own.cutStream, true);
  assert.match(String(own.headers["content-type"]), /^text\/event-stream/);
  assert.deepEqual(corsProblems(own), []);
  // The dashboard files themselves.
  const page = await client.send({ method: "GET", path: "/ui/", headers: { origin: `http://${host}` } });
  assert.ok(page.status === 200 || page.status === 404, `/ui/ → ${page.status}`);
  assert.deepEqual(corsProblems(page), []);
});

test("relay API: no CORS header on any answer — success, error, SSE, or a preflight from a web page", async (t) => {
  const { h, client } = await setup(t);
  const responses: [string, FuzzResponse][] = [];
  const send = async (name: string, method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    responses.push([name, await client.send({ method, path, headers: { origin: "http://evil.example", ...headers }, body })]);
  await send("preflight", "OPTIONS", "/v1/messages", { "access-control-request-method": "POST", "access-control-request-headers": "x-api-key,content-type" });
  await send("preflight openai", "OPTIONS", "/v1/chat/completions", { "access-control-request-method": "POST" });
  await send("no key", "POST", "/v1/messages", { "content-type": "application/json" }, chatBody);
  await send("json", "POST", "/v1/messages", { "x-api-key": h.key, "content-type": "application/json" }, chatBody);
  await send("sse", "POST", "/v1/messages", { "x-api-key": h.key, "content-type": "application/json" }, Buffer.from(JSON.stringify({ ...JSON.parse(chatBody.toString()), stream: true })));
  await send("openai sse", "POST", "/v1/chat/completions", { authorization: `Bearer ${h.key}`, "content-type": "application/json" }, Buffer.from(JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "x" }] })));
  await send("models", "GET", "/v1/models", { "x-api-key": h.key });
  await send("root", "GET", "/", {});
  await send("404", "GET", "/nope", {});
  for (const [name, res] of responses) {
    assert.deepEqual(corsProblems(res), [], name);
    assert.ok(res.status < 500, `${name}: ${res.status}`);
  }
  assert.ok(responses.some(([, r]) => String(r.headers["content-type"]).startsWith("text/event-stream")));
  assert.equal(responses[0]![1].status, 405, "a preflight is not answered as if it were allowed");
});
