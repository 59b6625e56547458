import { test } from "node:test";
import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import { once } from "node:events";
import type { Snapshot } from "../../../app/base/control-api.ts";
import { MANAGEMENT_KEY, assertNoCors, startManagement, type Harness } from "./management-helpers.ts";
import { sampleAccount } from "./memory-control.ts";
import { createSseSplitter, type SseEvent } from "../../support/sse.ts";
import { until } from "../../support/until.ts";

/** Opens the event stream and hands out parsed events (and comments) as they arrive. */
async function openEvents(h: Harness, headers: Record<string, string> = {}) {
  const req = request({
    host: "127.0.0.1",
    port: h.port,
    path: "/v0/management/events",
    headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, host: `127.0.0.1:${h.port}`, ...headers },
    setHost: false,
  });
  req.end();
  const [res] = (await once(req, "response")) as [IncomingMessage];
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: Array<() => void> = [];
  const splitter = createSseSplitter((e) => events.push(e), { onComment: (text) => comments.push(text) });
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    splitter.push(chunk);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const snapshots = () => events.filter((e) => e.event === "snapshot").map((e) => JSON.parse(e.data) as Snapshot);
  return { req, res, events, comments, until, snapshots };
}

test("events: the current snapshot at once, then each published one, in order", async (t) => {
  const h = await startManagement(t);
  const s = await openEvents(h);
  assert.equal(s.res.statusCode, 200);
  assert.match(String(s.res.headers["content-type"]), /^text\/event-stream/);
  assert.equal(s.res.headers["cache-control"], "no-store");
  await s.until(() => s.events.length >= 1);
  assert.equal(s.snapshots()[0]?.version, 1);

  h.control.update((snap) => snap.accounts.push(sampleAccount({ id: "cursor.work" })));
  await s.until(() => s.events.length >= 2);
  assert.deepEqual(s.snapshots()[1]?.accounts.map((a) => a.id), ["cursor.work"]);

  // An action through the API shows up on the stream too.
  const r = await h.call("POST", "/v0/management/proxy", { json: { running: false } });
  assert.equal(r.status, 204);
  await s.until(() => s.events.length >= 3);
  assert.equal(s.snapshots()[2]?.proxy.running, false);
  assert.deepEqual(s.snapshots().map((x) => x.version), [1, 2, 3]);
  assert.ok(s.events.every((e) => e.event === "snapshot"));
  assertNoCors([s.res.headers]);

  assert.equal(h.control.listenerCount, 1);
  s.req.destroy();
  // The server notices the client left and unsubscribes.
  await until("the server to unsubscribe the stream", () => h.control.listenerCount === 0);
  assert.equal(h.control.listenerCount, 0);
});

test("events: a slow reader gets the newest snapshot, never a backlog, and versions only go up", async (t) => {
  const h = await startManagement(t);
  const s = await openEvents(h);
  await s.until(() => s.events.length >= 1);
  s.res.pause(); // the client stops reading: the socket fills up
  const big = "x".repeat(100_000);
  const published = 200;
  for (let i = 0; i < published; i++) h.control.update((snap) => void (snap.accounts = [sampleAccount({ id: "cursor.a", lastError: `${i}${big}` })]));
  const last = published + 1;
  s.res.resume();
  await s.until(() => s.snapshots().at(-1)?.version === last);
  const versions = s.snapshots().map((x) => x.version);
  assert.ok(versions.every((v, i) => i === 0 || v > (versions[i - 1] ?? Infinity)), "strictly increasing");
  assert.ok(versions.length < published, `coalesced while blocked (${versions.length} of ${published + 1} sent)`);
});

test("events: heartbeat comments keep an idle stream alive", async (t) => {
  const h = await startManagement(t, { heartbeatMs: 5 });
  const s = await openEvents(h);
  await s.until(() => s.comments.includes("ping"));
  assert.equal(s.events.length, 1, "a heartbeat is not an event");
});

test("events: the same gate as every route (key, Host, Origin)", async (t) => {
  const h = await startManagement(t);
  const noKey = await h.call("GET", "/v0/management/events", { auth: null });
  assert.equal(noKey.status, 401);
  const badHost = await h.call("GET", "/v0/management/events", { host: "rebind.example" });
  assert.equal(badHost.status, 421);
  const badOrigin = await h.call("GET", "/v0/management/events", { headers: { origin: "http://evil.example" } });
  assert.equal(badOrigin.status, 403);
  assert.equal(h.control.listenerCount, 0);
  assertNoCors(h.seenHeaders);
});

test("events: closeEventStreams ends open streams (so the server can stop)", async (t) => {
  const h = await startManagement(t);
  const s = await openEvents(h);
  await s.until(() => s.events.length >= 1);
  h.handler.closeEventStreams();
  await until("the event stream to end", () => s.res.readableEnded);
  await until("the server to unsubscribe the stream", () => h.control.listenerCount === 0);
});
