// Backpressure end to end: a streaming client that stops reading stops the relay reading
// its Cursor stream, so HTTP/2 flow control holds Cursor back instead of the relay
// buffering the answer; the stall watchdog does not blame Cursor for the silence; output
// tokens are counted as they reach the client; and once the client reads again it gets
// the whole answer, exactly. The fake Cursor and the relay share this process, so the
// bound is asserted on what the fake managed to send, not on RSS (bench/figures/stalled-clients.ts).
import assert from "node:assert/strict";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import { test } from "node:test";
import { loadText, type Turn } from "../fake-cursor/index.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { startHarness, type Harness } from "../support/relay-harness.ts";
import { readSse } from "../support/sse.ts";

const MIB = 1024 * 1024;
const OWED = 24 * MIB;
const CHUNK = 1024;
const OWED_TURN: Turn = { prologue: false, steps: [{ textBytes: OWED, chunkBytes: CHUNK, tokensPerChunk: 1 }, { turnEnded: true }] };

/** A streaming request whose response is not read: its buffers fill, then the relay's. */
function stalledClient(h: Harness, api: "anthropic" | "openai" = "anthropic"): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const anthropic = api === "anthropic";
  const body = JSON.stringify({ model: anthropic ? "claude-opus-4-8" : "gpt-5", max_tokens: 1 << 30, stream: true, messages: [{ role: "user", content: "owe me" }] });
  const req = request(`${h.url}${anthropic ? "/v1/messages" : "/v1/chat/completions"}`, {
    method: "POST",
    headers: anthropic
      ? { "content-type": "application/json", "x-api-key": h.key, "anthropic-version": "2023-06-01" }
      : { "content-type": "application/json", authorization: `Bearer ${h.key}` },
  });
  req.on("error", () => {});
  const response = new Promise<IncomingMessage>((resolve) =>
    req.on("response", (res) => {
      res.pause();
      resolve(res);
    }),
  );
  req.end(body);
  return { req, response };
}

/** Waits until `read()` stops changing for `stillMs` (everything on the way is full). */
async function settled(read: () => number, stillMs: number, timeoutMs = 30_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let last = read();
  let since = Date.now();
  while (Date.now() - since < stillMs) {
    if (Date.now() > end) throw new Error(`still changing after ${timeoutMs} ms (last ${last})`);
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

test("a client that stops reading holds Cursor back; the stall watchdog stays quiet; it then gets the whole answer", async (t) => {
  // The relay's clock is a manual one: the stall below lasts ten stall timeouts on it,
  // however fast or slow this machine is, and the watchdog must not fire while the relay
  // is the one not reading.
  const clock = new ManualClock(Date.now());
  const STALL_MS = 90_000;
  const h = await startHarness(t, { scenario: { turns: [OWED_TURN] }, relay: { clock, cursor: { stallTimeoutMs: STALL_MS } } });
  const { response } = stalledClient(h);
  await settled(() => h.fake.runs[0]?.tokensSent ?? -1, 1000);
  for (let i = 0; i < 10; i++) clock.advance(STALL_MS);
  const sentTokens = await settled(() => h.fake.runs[0]?.tokensSent ?? -1, 1000);
  const sentBytes = sentTokens * CHUNK;
  t.diagnostic(`Cursor was held back after ${(sentBytes / MIB).toFixed(1)} MiB of ${OWED / MIB} MiB`);
  assert.ok(sentTokens > 0, "the answer started");
  assert.ok(sentBytes < 12 * MIB, `flow control held Cursor back (it sent ${(sentBytes / MIB).toFixed(1)} MiB)`);
  assert.equal(h.fake.runs[0]!.outcome, "open", "the stalled stream is neither failed nor cancelled");

  const counted = () => h.app.parts.rotation.views()[0]!.tokensTotal.output;
  assert.ok(counted() < sentTokens, `tokens still held back in the relay are not counted (${counted()} counted, ${sentTokens} sent)`);

  const res = await response;
  assert.equal(res.statusCode, 200);
  let answer = "";
  let last = "";
  for await (const ev of readSse(res)) {
    last = ev.event ?? "";
    if (ev.event === "content_block_delta") answer += (JSON.parse(ev.data) as { delta: { text: string } }).delta.text;
  }
  assert.equal(answer.length, OWED);
  assert.ok(answer === loadText(OWED, CHUNK), "the whole answer, in order");
  assert.equal(last, "message_stop");
  assert.equal(counted(), OWED / CHUNK, "every token reached the client and was counted once");
  await h.fake.waitForIdle();
  assert.equal(h.fake.runs[0]!.outcome, "completed");
});

test("an OpenAI streaming client that stalls holds Cursor back too, and going away frees the Cursor stream; only what it was sent is counted", async (t) => {
  const h = await startHarness(t, { scenario: { turns: [OWED_TURN] } });
  const { req } = stalledClient(h, "openai");
  const sentTokens = await settled(() => h.fake.runs[0]?.tokensSent ?? -1, 1000);
  assert.ok(sentTokens * CHUNK < 12 * MIB, `flow control held Cursor back (it sent ${((sentTokens * CHUNK) / MIB).toFixed(1)} MiB)`);
  req.destroy();
  await h.fake.waitForIdle();
  assert.equal(h.fake.runs[0]!.outcome, "client_closed");
  const counted = h.app.parts.rotation.views()[0]!.tokensTotal.output;
  assert.ok(counted > 0 && counted < sentTokens, `${counted} counted of ${sentTokens} sent by Cursor`);
});
