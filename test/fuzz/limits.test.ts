// The front door's limits over real sockets, each with a clear error: request bodies over
// the limit (413 in the client's own format, declared or streamed), header blocks over the
// limit (431), a client that never finishes its headers (cut by the headers timeout), and
// the cap on concurrent turns per client key (429 that says so).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Scenario } from "../fake-cursor/index.ts";
import { startHarness } from "../support/relay-harness.ts";
import { anthropicErrorProblems, managementErrorProblems, openAiErrorProblems } from "./support/formats.ts";
import { createFuzzClient, rawExchange } from "./support/http-client.ts";

const KiB = 1024;
const MODEL = "claude-opus-4-8";
const body = (text: string, extra: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: text }], ...extra }));

test("request bodies over the limit get 413 in the client's own format, whether the length is declared or streamed; the relay keeps serving", async (t) => {
  const h = await startHarness(t, { relay: { gateway: { bodyLimitBytes: 64 * KiB } } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const big = body("x".repeat(200 * KiB));
  const cases: { path: string; headers: Record<string, string>; check: typeof anthropicErrorProblems }[] = [
    { path: "/v1/messages", headers: { "x-api-key": h.key }, check: anthropicErrorProblems },
    { path: "/v1/messages/count_tokens", headers: { "x-api-key": h.key }, check: anthropicErrorProblems },
    { path: "/v1/chat/completions", headers: { authorization: `Bearer ${h.key}` }, check: openAiErrorProblems },
  ];
  for (const c of cases) {
    for (const chunked of [false, true]) {
      const res = await client.send({ method: "POST", path: c.path, headers: { ...c.headers, "content-type": "application/json" }, body: big, chunked });
      assert.equal(res.status, 413, `${c.path} chunked=${chunked}: ${res.body.toString("utf8")}`);
      assert.deepEqual(c.check(res), [], c.path);
      assert.match(res.body.toString("utf8"), /larger than the relay's limit/);
    }
  }
  // The management API has its own, smaller limit, and its own format.
  const mgmt = await client.send({
    method: "POST",
    path: "/v0/management/proxy",
    headers: { authorization: `Bearer ${h.app.managementKey}`, "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ running: true, pad: "x".repeat(100 * KiB) })),
    chunked: true,
  });
  assert.equal(mgmt.status, 413);
  assert.deepEqual(managementErrorProblems(mgmt), []);
  // A body just under the limit is fine, on the same keep-alive pool.
  const ok = await client.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body("x".repeat(60 * KiB)) });
  assert.equal(ok.status, 200, ok.body.toString("utf8"));
});

test("the default body limit (32 MiB) answers a declared 40 MB body at once, before reading it", async (t) => {
  const h = await startHarness(t);
  const res = await rawExchange(
    h.app.port!,
    `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${h.key}\r\ncontent-type: application/json\r\ncontent-length: 40000000\r\n\r\n{"model":`,
    { timeoutMs: 800 },
  );
  assert.match(res.text, /^HTTP\/1\.1 413 /);
  assert.match(res.text, /"type":"invalid_request_error"/);
  assert.match(res.text, /larger than the relay's limit of 32 MiB/);
  assert.ok(res.firstByteMs !== null && res.firstByteMs < 1000, `answered after ${res.firstByteMs} ms`);
});

test("a header block over the limit gets 431 with a message both SDKs can read; the relay keeps serving", async (t) => {
  const h = await startHarness(t, { relay: { listen: { maxHeaderSize: 8 * KiB } } });
  const res = await rawExchange(
    h.app.port!,
    `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${h.key}\r\nx-padding: ${"p".repeat(16 * KiB)}\r\ncontent-length: 2\r\n\r\n{}`,
  );
  assert.match(res.text, /^HTTP\/1\.1 431 /);
  const json = JSON.parse(res.text.slice(res.text.indexOf("\r\n\r\n") + 4)) as { type: string; error: { type: string; message: string } };
  assert.equal(json.type, "error");
  assert.match(json.error.message, /headers are larger than/);
  assert.equal(res.closed, true, "the connection is closed after it");
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const ok = await client.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body("hi") });
  assert.equal(ok.status, 200);
});

test("a client that never finishes its headers is cut by the headers timeout (408), others are served meanwhile", async (t) => {
  const h = await startHarness(t, { relay: { listen: { headersTimeoutMs: 400 } } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  // Half a request line and one header, then nothing.
  const slow = rawExchange(h.app.port!, `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${h.key}\r\n`, { timeoutMs: 5000 });
  const ok = await client.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body("meanwhile") });
  assert.equal(ok.status, 200);
  const cut = await slow;
  assert.equal(cut.closed, true, "the slow connection was closed by the relay");
  assert.match(cut.text, /^HTTP\/1\.1 408 /);
  assert.ok(cut.ms >= 350 && cut.ms < 2500, `cut after ${Math.round(cut.ms)} ms`);
});

test("malformed HTTP (bad request line, bad content-length, both content-length and chunked) is a 400 and never disturbs the relay", async (t) => {
  const h = await startHarness(t);
  const port = h.app.port!;
  for (const raw of [
    "GARBAGE\r\n\r\n",
    "POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n",
    "POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST /v1/messages HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    "POST /v1/messages HTTP/1.1\r\nbad header\r\n\r\n",
    "\u0000\u0001\u0002\r\n\r\n",
  ]) {
    const res = await rawExchange(port, Buffer.from(raw, "latin1"), { timeoutMs: 2000 });
    assert.match(res.text, /^HTTP\/1\.1 400 /, JSON.stringify(raw));
    assert.doesNotMatch(res.text, /access-control-/i);
  }
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const ok = await client.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body("still here") });
  assert.equal(ok.status, 200);
});

test("the cap on concurrent turns per client key: one over it gets 429 that says so, in each client's format; a slot frees when a turn ends", async (t) => {
  const slow: Scenario = { turns: [{ prologue: false, steps: [{ text: "slow" }, { sleepMs: 400 }, { turnEnded: true }] }] } as Scenario;
  const h = await startHarness(t, { scenario: slow, relay: { gateway: { maxConcurrentPerKey: 2 } } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const anthropic = (text: string) =>
    client.send({ method: "POST", path: "/v1/messages", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body(text, { stream: true }) });
  const running = [anthropic("one"), anthropic("two")];
  while (h.app.parts.gateway.activeTurns < 2) await new Promise((r) => setTimeout(r, 2));
  const over = await anthropic("three");
  assert.equal(over.status, 429);
  assert.deepEqual(anthropicErrorProblems(over), []);
  assert.match(over.body.toString("utf8"), /too many concurrent requests for this key \(limit 2\)/);
  assert.equal(over.headers["retry-after"], "1");
  const overOpenAi = await client.send({
    method: "POST",
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json" },
    body: body("four"),
  });
  assert.equal(overOpenAi.status, 429);
  assert.deepEqual(openAiErrorProblems(overOpenAi), []);
  assert.match(overOpenAi.body.toString("utf8"), /"code":"rate_limit_exceeded"/);
  // count_tokens is not a turn: it is never capped.
  const count = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "x-api-key": h.key, "content-type": "application/json" }, body: body("c") });
  assert.equal(count.status, 200);
  for (const r of await Promise.all(running)) assert.equal(r.status, 200);
  assert.equal(h.app.parts.gateway.activeTurns, 0);
  const again = await anthropic("five");
  assert.equal(again.status, 200, "a slot is free again");
  assert.equal(h.fake.runs.length, 3, "the refused turns never reached Cursor");
});

test("a client that sends its headers but never finishes its body is cut by the request timeout (408), the turn never starts", async (t) => {
  const h = await startHarness(t, { relay: { listen: { headersTimeoutMs: 300, requestTimeoutMs: 600 } } });
  const started = performance.now();
  const res = await rawExchange(
    h.app.port!,
    `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: ${h.key}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"claude-opus-4-8",`,
    { timeoutMs: 5000 },
  );
  const ms = performance.now() - started;
  assert.equal(res.closed, true, "the relay closed the connection");
  assert.ok(ms >= 550 && ms < 3000, `cut after ${Math.round(ms)} ms`);
  assert.match(res.text, /^HTTP\/1\.1 408 /);
  assert.match(res.text, /"message":"the request was not sent in time/);
  assert.equal(h.fake.runs.length, 0);
  assert.equal(h.app.parts.gateway.activeTurns, 0);
});
