// When Cursor ends a Run cleanly without turn_ended while one of the relay's writes
// (a heartbeat) is still in flight, connect-node stops pumping the request side: without
// the transport closing it, the request side never ended and the HTTP/2 stream stayed
// half-open on the shared session for good (about 3 Runs in 10 with a heartbeat every ms).
// Against the fake Cursor over real sockets: every stream must close with both END_STREAMs;
// and a request write that HTTP/2 flow control holds back forever gets the stream cancelled
// after the drain time.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { createCursorClient } from "../../../app/cursor/client.ts";
import type { RunOptions } from "../../../app/cursor/types.ts";
import * as F from "../../fake-cursor/frames.ts";
import { startFakeCursor } from "../../fake-cursor/index.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { startRawServer } from "./raw-h2-server.ts";
import { runEvents } from "../../support/run-events.ts";
import { until } from "../../support/until.ts";

const RUNS = 60;

test("a clean end without turn_ended while heartbeats are written: every Run stream closes with both END_STREAMs", async (t) => {
  const fake = await startFakeCursor({
    scenario: { turns: [{ prologue: false, steps: [{ waitForHeartbeats: 1 }, { text: "ok" }, { end: true }] }] },
  });
  // A heartbeat every millisecond keeps a request write in flight when the response ends.
  const client = createCursorClient({ baseUrl: fake.url, heartbeatMs: 1 });
  t.after(async () => {
    client.close();
    await fake.close();
  });
  const token = fake.mintAccessToken("auth0|clean_end");
  for (let i = 0; i < RUNS; i++) {
    const run = client.run({ accessToken: token, conversationId: `c${i}`, modelId: "composer-2", userText: "hi", blobs: new Map(), tools: [] } satisfies RunOptions);
    assert.deepEqual(await runEvents(run), [{ type: "text", text: "ok" }]);
    assert.equal(run.error, undefined, "a clean end without turn_ended is a finished turn");
    assert.equal(run.closed, true);
  }
  await fake.waitForIdle(5000);
  assert.equal(fake.openStreams, 0, "no half-open stream left on the session");
  assert.equal(fake.runs.length, RUNS);
  const notClean = fake.runs
    .map((r, i) => ({ run: i, requestEnded: r.requestEnded, closeCode: r.closeCode, heartbeats: r.heartbeats }))
    .filter((r) => !r.requestEnded || r.closeCode !== 0);
  assert.deepEqual(notClean, [], "every request side ended with END_STREAM and no stream was reset");
  assert.ok(fake.runs.every((r) => r.heartbeats >= 1 && r.outcome === "completed"));
});

test("a clean end while a large request write is held back by flow control for good: the stream is cancelled after the drain time (injected clock), not left half-open", async (t) => {
  const server = await startRawServer();
  const blobId = Buffer.alloc(32, 7);
  let closedWith: number | null = null;
  let requestEnded = false;
  server.setHandler((stream) => {
    // Reads the first chunk, then stops reading: once Node's read buffer and the stream
    // window are full, the relay's 1 MiB KV answer stays in flight. (A server stream that
    // never read at all would be closed by Node itself once its response ended.)
    stream.once("data", () => stream.pause());
    stream.on("end", () => (requestEnded = true));
    stream.on("close", () => (closedWith = stream.rstCode ?? -1));
    stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
    stream.write(F.envelope({ kvServerMessage: F.kvBytes({ id: 1, message: { case: "getBlobArgs", value: { blobId } } }) }));
    const held = setInterval(() => {
      if (stream.closed || (stream.state.localWindowSize ?? 1) > 0) return;
      clearInterval(held);
      stream.end(Buffer.concat([F.textDelta("ok"), F.endStream()]));
    }, 5);
    stream.on("close", () => clearInterval(held));
  });
  const clock = new ManualClock();
  const client = createCursorClient({ baseUrl: server.url, clock });
  t.after(() => {
    client.close();
    return server.close();
  });
  const blobs = new Map([[blobId.toString("hex"), new Uint8Array(1024 * 1024)]]);
  const run = client.run({ accessToken: "t", conversationId: "c", modelId: "m", userText: "hi", blobs, tools: [] });
  assert.deepEqual(await runEvents(run), [{ type: "text", text: "ok" }]);
  assert.equal(run.error, undefined);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closedWith, null, "not cancelled before the drain time");
  clock.advance(2000);
  await until("the held stream to close", () => closedWith !== null, 3000);
  assert.equal(closedWith, http2.constants.NGHTTP2_CANCEL, "the held stream was cancelled, not left half-open");
  assert.equal(requestEnded, false);
  assert.equal(clock.pending, 0, "no heartbeat, watchdog or drain timer left behind");
});
