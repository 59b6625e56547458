// When Cursor ends a Run cleanly without turn_ended while one of the relay's writes
// (a heartbeat) is still in flight, connect-node stops pumping the request side: without
// the transport closing it, the request side never ended and the HTTP/2 stream stayed
// half-open on the shared session for good (about 3 Runs in 10 with a heartbeat every ms).
// Against the fake Cursor over real sockets: every stream must close with both END_STREAMs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCursorClient } from "../../../app/cursor/client.ts";
import type { CursorEvent, CursorRun, RunOptions } from "../../../app/cursor/types.ts";
import { startFakeCursor } from "../../fake-cursor/index.ts";

const RUNS = 60;

async function drain(run: CursorRun): Promise<CursorEvent[]> {
  const out: CursorEvent[] = [];
  for await (const e of run.events) out.push(e);
  return out;
}

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
    assert.deepEqual(await drain(run), [{ type: "text", text: "ok" }]);
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
