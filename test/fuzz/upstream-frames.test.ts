// Hostile and broken upstream frames, through the whole relay over real sockets: bit
// flips, truncated envelopes, wrong and giant length fields, invalid UTF-8, unknown
// fields, multi-field frames. The turn that gets one ends with a clear error in its
// client's format (or completes, when the frame is still valid); other turns on the same
// relay keep going; a giant length never makes the relay allocate what it claims.
import { installProcessGuards } from "../support/process-guards.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import * as F from "../fake-cursor/frames.ts";
import type { Scenario, Step } from "../fake-cursor/index.ts";
import { startHarness, type Harness } from "../support/relay-harness.ts";
import { FUZZ_SEED, fuzzParameters } from "./support/budget.ts";
import { anthropicErrorProblems, anthropicSuccessProblems, openAiErrorProblems, openAiSuccessProblems } from "./support/formats.ts";
import { parseSse } from "../support/sse.ts";
import { startHostileUpstream, type HostileUpstream, type RunReply } from "./support/hostile-upstream.ts";
import { createFuzzClient, type FuzzClient, type FuzzResponse } from "./support/http-client.ts";

const MODEL = "claude-opus-4-8";
const MiB = 1024 * 1024;

function anthropic(client: FuzzClient, h: Harness, text: string, stream: boolean): Promise<FuzzResponse> {
  return client.send({
    method: "POST",
    path: "/v1/messages",
    headers: { "x-api-key": h.key, "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ model: MODEL, max_tokens: 64, stream, messages: [{ role: "user", content: text }] })),
  });
}

function openai(client: FuzzClient, h: Harness, text: string, stream: boolean): Promise<FuzzResponse> {
  return client.send({
    method: "POST",
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ model: MODEL, stream, messages: [{ role: "user", content: text }] })),
  });
}

/** The error a client got: the JSON error body, or the error event/chunk that ended its stream. */
function errorOf(res: FuzzResponse): { status: number; message: string; type: string } | null {
  const text = res.body.toString("utf8");
  if (String(res.headers["content-type"]).startsWith("text/event-stream")) {
    const last = parseSse(text).at(-1);
    if (!last || last.data === "[DONE]" || !last.data.includes('"error"')) return null;
    const body = JSON.parse(last.data) as { error: { message: string; type: string } };
    return { status: res.status, message: body.error.message, type: body.error.type };
  }
  if (res.status < 400) return null;
  const body = JSON.parse(text) as { error: { message: string; type: string } };
  return { status: res.status, message: body.error.message, type: body.error.type };
}

const turn = (steps: Step[]) => ({ prologue: false, steps });

// (An invalid UTF-8 text delta is not among them: it is shown with U+FFFD, see test/integration/relay/utf8-delta.test.ts.)
for (const kind of ["bit-flip", "truncated-envelope", "giant-length"] as const) {
  test(`a ${kind} frame from the fake ends its own turn with a clear error in the client's format; a concurrent turn completes`, async (t) => {
    const faults = installProcessGuards();
    t.after(() => faults.dispose());
    // One account: its 1st Run is a slow healthy turn, every later Run gets the broken frame.
    const scenario: Scenario = {
      turns: [
        turn([{ text: "steady " }, { sleepMs: 300 }, { text: "answer" }, { turnEnded: true }]),
        turn([{ text: "before " }, { malformed: kind }, { text: "after" }, { turnEnded: true }]),
      ],
    } as Scenario;
    const h = await startHarness(t, { scenario });
    const client = createFuzzClient(h.url);
    t.after(() => client.close());

    const healthy = anthropic(client, h, "the healthy one", true);
    while (h.fake.runs.length < 1) await new Promise((r) => setTimeout(r, 2));
    // Each broken turn cools the one account down (it failed after text, so no failover):
    // the next one needs it back.
    const again = () => h.app.control.resetCooldown(h.accountIds[0]!);
    const aStream = await anthropic(client, h, "broken 1", true);
    await again();
    const aJson = await anthropic(client, h, "broken 2", false);
    await again();
    const oStream = await openai(client, h, "broken 3", true);
    await again();
    const oJson = await openai(client, h, "broken 4", false);
    for (const [name, res, problems] of [
      ["anthropic stream", aStream, anthropicSuccessProblems(aStream)],
      ["openai stream", oStream, openAiSuccessProblems(oStream)],
      ["anthropic json", aJson, anthropicErrorProblems(aJson)],
      ["openai json", oJson, openAiErrorProblems(oJson)],
    ] as const) {
      assert.deepEqual(problems, [], `${name}: ${res.body.toString("utf8").slice(-400)}`);
      const err = errorOf(res);
      assert.ok(err, `${name} ended with an error, not as a success: ${res.body.toString("utf8").slice(-300)}`);
      assert.match(err.message, /^Cursor sent a (response|frame) the relay cannot (read|decode)/, name);
      assert.doesNotMatch(err.type, /rate_limit/, `${name}: a broken frame is not a quota problem`);
      if (res === aJson || res === oJson) assert.equal(res.status, 502, name);
    }
    const ok = await healthy;
    assert.equal(ok.status, 200);
    assert.deepEqual(anthropicSuccessProblems(ok), []);
    assert.equal(errorOf(ok), null, "the concurrent turn was not hurt");
    assert.match(ok.body.toString("utf8"), /"text":"steady "[\s\S]*"text":"answer"/);
    await h.fake.waitForIdle(5000);
    assert.equal(h.app.parts.gateway.activeTurns, 0);
    assert.deepEqual(faults.problems, []);
  });
}

test("an unknown field, an unknown exec kind and a multi-field frame are not errors: the turn completes", async (t) => {
  const scenario: Scenario = {
    turns: [
      turn([
        { text: "one " },
        { unknownExec: 99 },
        { toolCallStarted: { kind: 37, callId: "call_1" } },
        { multiFieldFrame: { text: "two ", kvSet: "blob" } },
        { text: "three" },
        { turnEnded: true },
      ]),
    ],
  } as Scenario;
  const h = await startHarness(t, { scenario });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const res = await openai(client, h, "hi", false);
  assert.equal(res.status, 200, res.body.toString("utf8"));
  assert.equal((JSON.parse(res.body.toString("utf8")) as { choices: { message: { content: string } }[] }).choices[0]?.message.content, "one two three");
});

// ---- a hostile upstream of our own ---------------------------------------------------------

const GOOD_TEXT = "Hello world";
const goodChunks = (): Uint8Array[] => [F.textDelta("Hello "), F.tokenDelta(2), F.textDelta("world"), F.tokenDelta(1), F.turnEnded(), F.endStream()];
const GOOD: RunReply = { chunks: goodChunks() };

async function hostileRelay(
  t: { after(fn: () => unknown): void },
  cursor: { maxFrameBytes?: number } = {},
): Promise<{ h: Harness; up: HostileUpstream; client: FuzzClient }> {
  const up = await startHostileUpstream(GOOD);
  const h = await startHarness(t, { relay: { cursorApi: up.url, cursor } });
  t.after(() => up.close());
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  return { h, up, client };
}

/** Samples the relay process's ArrayBuffer memory every millisecond until stopped (or the test ends). */
function sampleArrayBuffers(t: { after(fn: () => unknown): void }): { stop(): number } {
  let peak = process.memoryUsage().arrayBuffers;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
  timer.unref();
  t.after(() => clearInterval(timer));
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().arrayBuffers);
    },
  };
}

test("a giant length field on a stream that stays open: the turn fails at once (not at the 90 s stall), nothing near the claimed 4 GiB is allocated, a concurrent turn completes", async (t) => {
  const { h, up, client } = await hostileRelay(t);
  const base = process.memoryUsage().arrayBuffers;
  const sampler = sampleArrayBuffers(t);
  // The concurrent turn waits on an open stream for the text it has not received yet.
  up.queue({ chunks: [F.textDelta("slow ")], end: false });
  const slow = anthropic(client, h, "slow", true);
  while (up.runs < 1) await new Promise((r) => setTimeout(r, 2));
  up.queue({ chunks: [F.textDelta("before "), Buffer.from([0, 0xff, 0xff, 0xff, 0xf0]), Buffer.from("not nearly 4 GiB")], end: false });
  const started = performance.now();
  const res = await anthropic(client, h, "giant", false);
  const ms = performance.now() - started;
  const peak = sampler.stop();
  assert.equal(res.status, 502, res.body.toString("utf8"));
  assert.deepEqual(anthropicErrorProblems(res), []);
  assert.match(errorOf(res)!.message, /^Cursor sent a response the relay cannot read \(malformed_response: message size 4294967280 is larger than configured readMaxBytes 67108864\)/);
  assert.ok(ms < 5000, `failed after ${Math.round(ms)} ms`);
  assert.ok(peak - base < 64 * MiB, `ArrayBuffer memory grew by ${Math.round((peak - base) / MiB)} MiB`);
  // The slow turn is still streaming; it ends normally once its stream does.
  assert.equal(up.openStreams, 1);
  await h.app.control.resetCooldown(h.accountIds[0]!);
  const late = await anthropic(client, h, "after the giant one", false);
  assert.equal(late.status, 200, "the relay keeps serving");
  assert.ok(late.body.toString("utf8").includes(GOOD_TEXT), "with the upstream's answer");
  up.finishOpen([F.textDelta("but sure"), F.turnEnded(), F.endStream()]);
  const slowRes = await slow;
  assert.deepEqual(anthropicSuccessProblems(slowRes), []);
  assert.equal(errorOf(slowRes), null);
  assert.match(slowRes.body.toString("utf8"), /"text":"slow "[\s\S]*"text":"but sure"/);
  await up.waitForIdle();
});

test("a frame just over the relay's frame limit fails its turn with a clear 502, not a quota error", async (t) => {
  const up = await startHostileUpstream(GOOD);
  t.after(() => up.close());
  const h = await startHarness(t, { relay: { cursorApi: up.url, cursor: { maxFrameBytes: 64 * 1024 } } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  up.queue({ chunks: [F.textDelta("before "), F.textDelta("x".repeat(64 * 1024)), F.turnEnded(), F.endStream()] });
  const res = await openai(client, h, "big", false);
  assert.equal(res.status, 502, res.body.toString("utf8"));
  assert.deepEqual(openAiErrorProblems(res), []);
  assert.match(errorOf(res)!.message, /larger than configured readMaxBytes 65536/);
  const snap = await h.app.control.getSnapshot();
  assert.equal(snap.accounts[0]?.cooldownStatus, 502, "not mistaken for the account's quota (429)");
  up.queue({ chunks: [F.textDelta("y".repeat(60 * 1024)), F.turnEnded(), F.endStream()] });
  await h.app.control.resetCooldown(h.accountIds[0]!);
  const fits = await openai(client, h, "fits", false);
  assert.equal(fits.status, 200, "a frame under the limit is fine");
});

// ---- mutated replies, property-based ------------------------------------------------------

type FrameMutation =
  | { op: "flip"; frame: number; at: number; bit: number }
  | { op: "length"; frame: number; length: number }
  | { op: "truncate"; at: number }
  | { op: "junk"; frame: number; bytes: Uint8Array }
  | { op: "flags"; frame: number; flags: number }
  | { op: "unknownField"; frame: number; field: number }
  | { op: "invalidUtf8"; frame: number }
  | { op: "drop"; frame: number }
  | { op: "duplicate"; frame: number };

const mutation: fc.Arbitrary<FrameMutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), frame: fc.nat(), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    op: fc.constant("length" as const),
    frame: fc.nat(),
    length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(2 ** 32 - 1, 2 ** 31, 64 * MiB + 1)),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("junk" as const), frame: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ op: fc.constant("flags" as const), frame: fc.nat(), flags: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("unknownField" as const), frame: fc.nat(), field: fc.integer({ min: 20, max: 2000 }) }),
  fc.record({ op: fc.constant("invalidUtf8" as const), frame: fc.nat() }),
  fc.record({ op: fc.constant("drop" as const), frame: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), frame: fc.nat() }),
);

/** Applies mutations to the good reply's frames (each frame stays a separate write). */
function mutate(mutations: FrameMutation[]): Uint8Array[] {
  let frames = goodChunks().map((c) => Buffer.from(c));
  for (const m of mutations) {
    if (frames.length === 0) break;
    const i = "frame" in m ? m.frame % frames.length : 0;
    const f = frames[i]!;
    switch (m.op) {
      case "flip":
        f[m.at % f.length] = f[m.at % f.length]! ^ (1 << m.bit);
        break;
      case "length":
        if (f.length >= 5) f.writeUInt32BE(m.length, 1);
        break;
      case "truncate": {
        const all = Buffer.concat(frames);
        frames = [all.subarray(0, m.at % (all.length + 1))];
        break;
      }
      case "junk":
        frames.splice(i, 0, Buffer.from(m.bytes));
        break;
      case "flags":
        f[0] = m.flags;
        break;
      case "unknownField":
        // Valid protobuf the schema does not know: must be ignored, not an error.
        if (f[0] === 0) frames[i] = Buffer.from(encodeEnvelope(0, F.withUnknownField(f.subarray(5), m.field, new Uint8Array([1, 2, 3]))));
        break;
      case "invalidUtf8": {
        const at = f.indexOf("Hello");
        if (at >= 0) {
          f[at] = 0xc3;
          f[at + 1] = 0x28;
        }
        break;
      }
      case "drop":
        frames.splice(i, 1);
        break;
      case "duplicate":
        frames.splice(i, 0, Buffer.from(f));
        break;
    }
  }
  return frames;
}

test("fuzz over real sockets: mutated Cursor replies end each turn with a complete answer or a clear error, never a hang, a quota error or a giant allocation", async (t) => {
  const faults = installProcessGuards();
  t.after(() => faults.dispose());
  // A 1 MiB frame limit: every random length above it must be refused before any buffer is made.
  const { h, up, client } = await hostileRelay(t, { maxFrameBytes: MiB });
  const base = process.memoryUsage().arrayBuffers;
  const sampler = sampleArrayBuffers(t);
  const outcomes = { completed: 0, failed: 0 };
  const cases = Number(process.env.FUZZ_UPSTREAM_RUNS ?? 300);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), async (mutations, useAnthropic, stream) => {
      up.queue({ chunks: mutate(mutations) });
      const t0 = performance.now();
      const res = await (useAnthropic ? anthropic : openai)(client, h, `case ${n++}`, stream);
      if (process.env.FUZZ_DEBUG && performance.now() - t0 > 1000) console.error(`SLOW ${Math.round(performance.now() - t0)} ms`, JSON.stringify(mutations), useAnthropic, stream, res.status, res.body.toString("utf8").slice(-300));
      const problems = useAnthropic
        ? res.status === 200
          ? anthropicSuccessProblems(res)
          : anthropicErrorProblems(res)
        : res.status === 200
          ? openAiSuccessProblems(res)
          : openAiErrorProblems(res);
      assert.deepEqual(problems, [], `${JSON.stringify(mutations)} → ${res.status}`);
      const err = errorOf(res);
      if (err) {
        outcomes.failed++;
        // Broken before any content, the turn went back to the pool: with the one account
        // cooling down, that is a 503 "no Cursor account can take this request now" naming
        // the account's reason (Cursor's failure).
        const view = (await h.app.control.getSnapshot()).accounts[0];
        assert.notEqual(view?.cooldownStatus, 429, `a broken reply is not the account's quota: ${err.message}`);
        assert.doesNotMatch(err.message, /rate limit or quota/, err.message);
        assert.match(err.message, /(^|more after: )Cursor (sent|ended|closed)/, `the error says what Cursor's reply did: ${err.message}`);
        if (!stream) assert.ok(err.status >= 500 && err.status <= 504, `status ${err.status}`);
      } else {
        outcomes.completed++;
      }
      // A failed turn cooled the account down; the next case needs it back.
      await h.app.control.resetCooldown(h.accountIds[0]!);
    }),
    { ...fuzzParameters(cases), numRuns: cases },
  );
  const peak = sampler.stop();
  t.diagnostic(`${n} mutated replies, seed ${FUZZ_SEED}: ${outcomes.completed} completed, ${outcomes.failed} ended with an error; ArrayBuffer peak +${Math.round((peak - base) / MiB)} MiB`);
  assert.ok(outcomes.completed > 0 && outcomes.failed > 0, JSON.stringify(outcomes));
  assert.ok(peak - base < 32 * MiB, `ArrayBuffer memory grew by ${Math.round((peak - base) / MiB)} MiB`);
  await up.waitForIdle(5000);
  assert.equal(h.app.parts.gateway.activeTurns, 0);
  assert.deepEqual(faults.problems, []);
});
