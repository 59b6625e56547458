// Injected failures reach a real Connect client as the documented errors, the fake records
// them, and every stream is closed afterwards (openStreams back to 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "@connectrpc/connect";
import { startFakeCursor, type FakeCursor, type Scenario, type Step } from "../../fake-cursor/index.ts";
import { RunClient } from "./run-client.ts";

async function withFake(t: import("node:test").TestContext, scenario: Scenario | string, options: { now?: () => number } = {}): Promise<FakeCursor> {
  const fake = await startFakeCursor({ scenario, ...options });
  t.after(() => fake.close());
  return fake;
}

const one = (...steps: Step[]): Scenario => ({ turns: [steps] });

test("resource_exhausted before any text reaches the client as ConnectError resource_exhausted", async (t) => {
  const fake = await withFake(t, "exhausted-first");
  const a = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|first") });
  const err = await a.finish();
  assert.equal(err?.code, Code.ResourceExhausted);
  assert.equal(a.text(), "");
  // Another account answers normally; the first stays exhausted.
  const b = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|second") });
  assert.equal(await b.finish(), null);
  assert.equal(b.text(), "Hello from fake Cursor.");
  const again = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|first") });
  assert.equal((await again.finish())?.code, Code.ResourceExhausted);
  await fake.waitForIdle(2000);
  assert.deepEqual(fake.runs.map((r) => [r.sub, r.outcome, r.injected, r.accountKey]), [
    ["auth0|first", "failed", "resource_exhausted", "@1"],
    ["auth0|second", "completed", null, "*"],
    ["auth0|first", "failed", "resource_exhausted", "@1"],
  ]);
});

test("resource_exhausted after some text: the text arrives, then the error", async (t) => {
  const fake = await withFake(t, "exhausted-after-text");
  const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|a") });
  const err = await run.finish();
  assert.equal(run.text(), "Partial answer ");
  assert.equal(err?.code, Code.ResourceExhausted);
  assert.match(err?.rawMessage ?? "", /usage limit/);
});

test("Connect codes by name: permission_denied, unavailable, internal", async (t) => {
  for (const [code, expected] of [
    ["permission_denied", Code.PermissionDenied],
    ["unavailable", Code.Unavailable],
    ["internal", Code.Internal],
  ] as const) {
    const fake = await withFake(t, one({ fail: code, message: `injected ${code}` }));
    const err = await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|c") }).finish();
    assert.equal(err?.code, expected, code);
    assert.equal(err?.rawMessage, `injected ${code}`);
  }
});

test("unauthenticated: missing, garbage and expired bearer tokens", async (t) => {
  let nowMs = Date.parse("2026-03-01T00:00:00Z");
  const fake = await withFake(t, "text", { now: () => nowMs });
  const expired = fake.mintAccessToken("auth0|old", Math.floor(nowMs / 1000) - 1);
  const soon = fake.mintAccessToken("auth0|soon"); // default 1 h lifetime
  for (const token of [undefined, "not-a-jwt", expired]) {
    const err = await new RunClient(fake.url, token ? { token } : {}).finish();
    assert.equal(err?.code, Code.Unauthenticated);
  }
  assert.equal(await new RunClient(fake.url, { token: soon }).finish(), null);
  nowMs += 3601_000;
  assert.equal((await new RunClient(fake.url, { token: soon }).finish())?.code, Code.Unauthenticated);
  await fake.waitForIdle(2000);
  assert.deepEqual(fake.runs.map((r) => r.sub), [null, null, null, "auth0|soon", null]);
  assert.match((await lastError(fake, expired))?.rawMessage ?? "", /expired/);
});

async function lastError(fake: FakeCursor, token: string) {
  return new RunClient(fake.url, { token }).finish();
}

test("structured turns on a fresh state are answered with internal, like real Cursor", async (t) => {
  const fake = await withFake(t, "text");
  const err = await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|t"), turns: [new Uint8Array([10, 0])] }).finish();
  assert.equal(err?.code, Code.Internal);
  await fake.waitForIdle(2000);
  assert.equal(fake.runs[0]!.injected, "internal(structured-turns)");
});

test("RST_STREAM mid-stream and GOAWAY fail the client's stream after the first text", async (t) => {
  for (const step of [{ rstStream: true }, { goaway: true }] as Step[]) {
    const fake = await withFake(t, one({ text: "partial" }, { sleepMs: 20 }, step));
    const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|r") });
    const err = await run.finish();
    assert.ok(err, `${JSON.stringify(step)} must fail the stream`);
    assert.equal(run.text(), "partial");
    await fake.waitForIdle(2000);
    assert.equal(fake.runs[0]!.injected, "rstStream" in step ? "rst_stream" : "goaway");
    assert.equal(fake.runs[0]!.outcome, "failed");
  }
});

test("a bare non-200 HTTP status fails the client", async (t) => {
  const fake = await withFake(t, one({ httpStatus: 503 }));
  const err = await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|h") }).finish();
  assert.equal(err?.code, Code.Unavailable);
  await fake.waitForIdle(2000);
  assert.equal(fake.runs[0]!.injected, "http_503");
});

test("malformed frames: a truncated envelope and a giant length field fail the client", async (t) => {
  for (const kind of ["truncated-envelope", "giant-length"] as const) {
    const fake = await withFake(t, one({ text: "ok " }, { malformed: kind }));
    const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|m") });
    const err = await run.finish();
    assert.ok(err, kind);
    assert.equal(run.text(), "ok ");
    await fake.waitForIdle(2000);
    assert.equal(fake.runs[0]!.injected, `malformed:${kind}`);
  }
});

test("heartbeats-only silence and total silence last until the client closes; openStreams returns to 0", async (t) => {
  const fake = await withFake(t, { accounts: { "auth0|hb": [[{ silence: { heartbeatMs: 10 } }]], "*": [[{ silence: true }]] } });
  const hb = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|hb") });
  const quiet = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|quiet") });
  // Wait for the heartbeats themselves (not a fixed time: a loaded machine may be slow).
  const beats = () => hb.updates.filter((u) => u.message.case === "heartbeat").length;
  for (const deadline = Date.now() + 10_000; beats() < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
  assert.ok(beats() >= 3, `heartbeats seen: ${beats()}`);
  assert.equal(fake.openStreams, 2);
  assert.equal(quiet.frames.length, 1); // only the system-prompt KV get of the prologue
  hb.close();
  quiet.close();
  await Promise.all([hb.finish(), quiet.finish()]);
  await fake.waitForIdle(2000);
  assert.equal(fake.openStreams, 0);
  assert.deepEqual(fake.runs.map((r) => [r.injected, r.outcome]), [
    ["heartbeats_only", "client_closed"],
    ["silence", "client_closed"],
  ]);
});

test("a 16 KB initial window still takes a 300 KB request (the client honours flow control)", async (t) => {
  const fake = await startFakeCursor({ initialWindowSize: 16 * 1024 });
  t.after(() => fake.close());
  const big = "x".repeat(300 * 1024);
  const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|w"), userText: big });
  assert.equal(await run.finish(), null);
  assert.equal(fake.runs[0]!.userText.length, big.length);
});

test("load mode streams exactly textBytes of the pattern with a token delta per chunk", async (t) => {
  const { loadText } = await import("../../fake-cursor/index.ts");
  const fake = await withFake(t, one({ textBytes: 200_000, chunkBytes: 100 }, { turnEnded: true }));
  const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|load") });
  assert.equal(await run.finish(), null);
  assert.equal(run.text(), loadText(200_000, 100));
  const tokens = run.updates.reduce((n, u) => n + (u.message.case === "tokenDelta" ? u.message.value.tokens : 0), 0);
  assert.equal(tokens, 2000);
});
