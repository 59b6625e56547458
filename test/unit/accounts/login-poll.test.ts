import { test } from "node:test";
import assert from "node:assert/strict";
import { pollForTokens, DEFAULT_POLL_POLICY, startLogin, isLoginCancelled } from "../../../app/accounts/login.ts";
import { createAccountRegistry } from "../../../app/accounts/registry.ts";
import { createMemorySettingsStore } from "../../../app/accounts/settings-store.ts";
import { createMemorySecretStore } from "../../../app/accounts/secret-store.ts";
import { createLoginManager } from "../../../app/accounts/login-manager.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { RecordingClock, flush, json, mintJwt, scriptedFetch } from "./helpers.ts";

const pkce = { uuid: "11111111-2222-3333-4444-555555555555", verifier: "V".repeat(128), challenge: "c" };
const policy = { ...DEFAULT_POLL_POLICY, requestTimeoutMs: 7777 };

/** A registry in memory (settings and secrets) on the test's clock, with no refresh timers. */
const memoryRegistry = (clock: RecordingClock, settings = createMemorySettingsStore(), secrets = createMemorySecretStore()) =>
  createAccountRegistry({ dataDir: "/unused", settings, secrets, cursorApi: "http://x", clock, refreshTimers: false });

/** Runs the clock forward until the promise settles. */
async function drive<T>(clock: RecordingClock, p: Promise<T>, step = 10_000): Promise<T> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 10_000 && !settled; i++) {
    await flush();
    if (!settled) clock.advance(step);
  }
  return p;
}

test("cadence: 1 s before the first poll, ×1.2 per pending answer, capped at 10 s, 150 polls, then a timeout error", async () => {
  const clock = new RecordingClock();
  const f = scriptedFetch(() => new Response("", { status: 404 }));
  const err = await drive(clock, pollForTokens({ cursorApi: "http://x", pkce, clock, fetch: f.fetch, signal: new AbortController().signal, policy })).then(
    () => assert.fail("should time out"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RelayError);
  assert.equal(err.kind, "upstream_timeout");
  assert.match(err.message, /not completed after 150 checks/);
  assert.equal(f.calls.length, 150);
  const waits = clock.waits.filter((w) => w !== 7777);
  assert.equal(clock.waits.filter((w) => w === 7777).length, 150, "every poll has its own request timeout");
  assert.equal(waits.length, 150);
  let expected = 1000;
  for (const w of waits) {
    assert.ok(Math.abs(w - expected) < 1e-6, `${w} vs ${expected}`);
    expected = Math.min(expected * 1.2, 10_000);
  }
  assert.equal(waits.at(-1), 10_000);
  assert.equal(clock.pending, 0);
  const u = new URL(f.calls[0]!.url);
  assert.equal(u.pathname, "/auth/poll");
  assert.equal(u.searchParams.get("uuid"), pkce.uuid);
  assert.equal(u.searchParams.get("verifier"), pkce.verifier);
});

test("network errors: tolerated up to 9 in a row, a pending answer resets the count, the 10th in a row fails", async () => {
  const at = await mintJwt("auth0|user_net", 2_000_000_000);
  let n = 0;
  const script = () => {
    n++;
    if (n <= 9 || (n >= 11 && n <= 19)) throw new TypeError("fetch failed");
    if (n === 10) return new Response("", { status: 404 });
    return json(200, { accessToken: at, refreshToken: "rt" });
  };
  const clock = new RecordingClock();
  const ok = await drive(clock, pollForTokens({ cursorApi: "http://x", pkce, clock, fetch: scriptedFetch(script).fetch, signal: new AbortController().signal, policy }));
  assert.deepEqual(ok, { accessToken: at, refreshToken: "rt" });
  assert.equal(n, 20);

  const clock2 = new RecordingClock();
  const failing = scriptedFetch(() => {
    throw new TypeError("fetch failed", { cause: new Error(`connect ECONNREFUSED ${pkce.verifier}`) });
  });
  const err = await drive(clock2, pollForTokens({ cursorApi: "http://x", pkce, clock: clock2, fetch: failing.fetch, signal: new AbortController().signal, policy })).catch((e: unknown) => e);
  assert.ok(err instanceof RelayError);
  assert.equal(err.kind, "upstream_unavailable");
  assert.match(err.message, /10 network errors in a row/);
  assert.ok(!err.message.includes(pkce.verifier), "the verifier never reaches a message");
  assert.equal(failing.calls.length, 10);
});

test("a request that never answers times out after 10 s (per-request timeout) and counts as a network error", async () => {
  const clock = new RecordingClock();
  const hanging = (_url: string, init?: RequestInit) =>
    new Promise<Response>((_r, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
  const err = await drive(
    clock,
    pollForTokens({ cursorApi: "http://x", pkce, clock, fetch: hanging, signal: new AbortController().signal, policy: { ...policy, maxNetworkErrors: 2 } }),
  ).catch((e: unknown) => e);
  assert.ok(err instanceof RelayError);
  assert.match(err.message, /no answer within 7777 ms/);
});

test("any other status fails at once with the status and the body", async () => {
  const clock = new RecordingClock();
  const f = scriptedFetch(() => new Response("uuid expired", { status: 410 }));
  const err = await drive(clock, pollForTokens({ cursorApi: "http://x", pkce, clock, fetch: f.fetch, signal: new AbortController().signal, policy })).catch((e: unknown) => e);
  assert.ok(err instanceof RelayError);
  assert.equal(err.message, "Cursor login failed: /auth/poll answered 410: uuid expired");
  assert.equal(f.calls.length, 1);
  const f403 = scriptedFetch(() => new Response("challenge mismatch", { status: 403 }));
  const e403 = await drive(clock, pollForTokens({ cursorApi: "http://x", pkce, clock, fetch: f403.fetch, signal: new AbortController().signal, policy })).catch((e: unknown) => e);
  assert.ok(e403 instanceof RelayError && e403.kind === "upstream_auth");
});

test("startLogin: cancel stops polling, stores nothing and leaves no timer behind", async () => {
  const clock = new RecordingClock();
  const settings = createMemorySettingsStore();
  const secrets = createMemorySecretStore();
  const registry = memoryRegistry(clock, settings, secrets);
  const f = scriptedFetch(() => new Response("", { status: 404 }));
  const opened: string[] = [];
  const login = startLogin({ cursorApi: "http://x", label: "work", clock, registry, fetch: f.fetch, openBrowser: async (u) => void opened.push(u) });
  assert.deepEqual(opened, [login.url]);
  assert.match(login.url, /^http:\/\/x\/loginDeepControl\?challenge=/);
  clock.advance(1000);
  await flush();
  clock.advance(1200);
  await flush();
  assert.equal(f.calls.length, 2);
  login.cancel();
  const err = await login.done.catch((e: unknown) => e);
  assert.ok(isLoginCancelled(err));
  clock.advance(60_000);
  await flush();
  assert.equal(f.calls.length, 2);
  assert.equal(clock.pending, 0);
  assert.deepEqual(registry.list(), []);
  assert.equal(secrets.entries.size, 0);
  assert.throws(() => startLogin({ cursorApi: "http://x", label: "a/b", clock, registry }), /not allowed/);
});

test("browser failure is reported and not fatal; success stores the account", async () => {
  const clock = new RecordingClock();
  const registry = memoryRegistry(clock);
  const at = await mintJwt("auth0|user_123", 2_000_000_000);
  let n = 0;
  const f = scriptedFetch(() => (++n === 1 ? new Response("", { status: 404 }) : json(200, { accessToken: at, refreshToken: "rt-1" })));
  const warnings: string[] = [];
  const login = startLogin({
    cursorApi: "http://x",
    label: null,
    clock,
    registry,
    fetch: f.fetch,
    warn: (m) => warnings.push(m),
    openBrowser: async () => {
      throw new Error("spawn xdg-open ENOENT");
    },
  });
  const account = await drive(clock, login.done, 1000);
  assert.equal(account.id, "cursor.b009ca21");
  assert.equal(account.displayLabel, "Cursor b009ca21");
  assert.match(warnings.join("\n"), /could not open a browser \(spawn xdg-open ENOENT\)/);
});

test("login manager: views move from waiting to succeeded / failed / cancelled and changes are announced", async () => {
  const clock = new RecordingClock();
  const registry = memoryRegistry(clock);
  const at = await mintJwt("auth0|user_mgr", 2_000_000_000);
  let mode: "ok" | "fail" | "pending" = "ok";
  const f = scriptedFetch(() =>
    mode === "ok" ? json(200, { accessToken: at, refreshToken: "rt" }) : mode === "fail" ? new Response("nope", { status: 500 }) : new Response("", { status: 404 }),
  );
  const mgr = createLoginManager({ cursorApi: "http://x", clock, registry, fetch: f.fetch });
  let changes = 0;
  mgr.onChange(() => changes++);
  const v1 = mgr.start("mgr");
  assert.equal(v1.state, "waiting");
  assert.equal(v1.label, "mgr");
  const acc = await drive(clock, mgr.result(v1.handle), 1000);
  assert.equal(acc.id, "cursor.mgr");
  assert.deepEqual(
    mgr.views().find((v) => v.handle === v1.handle),
    { ...v1, state: "succeeded", accountId: "cursor.mgr" },
  );
  mode = "fail";
  const v2 = mgr.start(null);
  await drive(clock, mgr.result(v2.handle), 1000).catch(() => undefined);
  await flush();
  assert.equal(mgr.views().find((v) => v.handle === v2.handle)?.state, "failed");
  assert.match(mgr.views().find((v) => v.handle === v2.handle)?.error ?? "", /answered 500: nope/);
  mode = "pending";
  const v3 = mgr.start(null);
  mgr.cancel(v3.handle);
  await mgr.result(v3.handle).catch(() => undefined);
  await flush();
  assert.equal(mgr.views()[0]?.state, "cancelled");
  assert.ok(changes >= 6);
  assert.throws(() => mgr.cancel("login-nope"), /no login/);
  clock.advance(11 * 60_000);
  assert.deepEqual(mgr.views(), [], "finished logins are forgotten after a while");
});
