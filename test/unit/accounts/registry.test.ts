import { test } from "node:test";
import assert from "node:assert/strict";
import { createAccountRegistry, REFRESH_LEAD_MS, type AccountChange } from "../../../app/accounts/registry.ts";
import { createMemorySettingsStore, type SettingsStore } from "../../../app/accounts/settings-store.ts";
import { createMemorySecretStore } from "../../../app/accounts/secret-store.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { RecordingClock, flush, json, mintJwt, scriptedFetch, type Script } from "./helpers.ts";

const HOUR = 3_600_000;

async function setup(script: Script = () => new Response("unexpected", { status: 500 }), settings: SettingsStore = createMemorySettingsStore()) {
  const clock = new RecordingClock();
  const secrets = createMemorySecretStore();
  const f = scriptedFetch(script);
  const registry = createAccountRegistry({ dataDir: "/unused", settings, secrets, cursorApi: "http://cursor.test/", clock, fetch: f.fetch });
  const changes: AccountChange[] = [];
  registry.onChange((c) => changes.push(c));
  const token = (sub: string, lifetimeMs = HOUR) => mintJwt(sub, (clock.now() + lifetimeMs) / 1000);
  return { clock, secrets, settings, registry, calls: f.calls, changes, token };
}

test("two subs give two accounts; re-login of the first updates it; the secret goes to the store, never to settings", async () => {
  const { registry, secrets, settings, token, changes } = await setup();
  const a1 = await registry.addFromLogin({ accessToken: await token("auth0|user_123"), refreshToken: "rt-a1" }, null);
  const b = await registry.addFromLogin({ accessToken: await token("auth0|user_456"), refreshToken: "rt-b" }, null);
  assert.equal(a1.id, "cursor.b009ca21");
  assert.notEqual(b.id, a1.id);
  assert.equal(registry.list().length, 2);
  const a2Token = await token("auth0|user_123", 2 * HOUR);
  const a2 = await registry.addFromLogin({ accessToken: a2Token, refreshToken: "rt-a2" }, null);
  assert.equal(a2.id, a1.id);
  assert.equal(a2.addedAt, a1.addedAt);
  assert.ok(a2.tokenExpiresAt > a1.tokenExpiresAt);
  assert.equal(registry.list().length, 2);
  assert.deepEqual(await secrets.get(a1.id), { accessToken: a2Token, refreshToken: "rt-a2" });
  assert.equal(registry.get(a1.id)?.sub, "auth0|user_123", "sub is kept in the metadata");
  assert.deepEqual(changes.map((c) => c.type), ["added", "added", "updated"]);
  const stored = JSON.stringify(settings.store);
  assert.ok(!stored.includes("rt-a2") && !stored.includes(a2Token));
});

test("labels: explicit label wins (moves the account), no-label re-login keeps it, a label of another user is refused", async () => {
  const { registry, secrets, token } = await setup();
  const first = await registry.addFromLogin({ accessToken: await token("auth0|user_123"), refreshToken: "rt1" }, null);
  const labelled = await registry.addFromLogin({ accessToken: await token("auth0|user_123"), refreshToken: "rt2" }, "work");
  assert.equal(labelled.id, "cursor.work");
  assert.equal(labelled.displayLabel, "Cursor work");
  assert.deepEqual(registry.list().map((a) => a.id), ["cursor.work"], "the same user is never listed twice");
  assert.equal(await secrets.get(first.id), null, "the old entry's secret is gone");
  assert.equal(labelled.addedAt, first.addedAt);
  const again = await registry.addFromLogin({ accessToken: await token("auth0|user_123"), refreshToken: "rt3" }, null);
  assert.equal(again.id, "cursor.work");
  assert.equal(again.label, "work");
  await assert.rejects(
    registry.addFromLogin({ accessToken: await token("auth0|user_999"), refreshToken: "rt4" }, "work"),
    (e: unknown) => e instanceof RelayError && e.status === 409 && /already belongs to another Cursor user/.test(e.message),
  );
  assert.deepEqual((await secrets.get("cursor.work"))?.refreshToken, "rt3", "the refused login changed nothing");
});

test("rename changes the display label but keeps the id; remove deletes secret and metadata; unknown ids are clear errors", async () => {
  const { registry, secrets, token } = await setup();
  const a = await registry.addFromLogin({ accessToken: await token("auth0|user_123"), refreshToken: "rt" }, null);
  const r = registry.rename(a.id, "Laptop");
  assert.equal(r.id, a.id);
  assert.equal(r.displayLabel, "Cursor Laptop");
  assert.equal(registry.rename(a.id, null).displayLabel, "Cursor b009ca21");
  assert.throws(() => registry.rename("cursor.nope", "x"), /no account "cursor.nope"; run `cursor-relay accounts`/);
  await registry.remove(a.id);
  assert.equal(registry.get(a.id), null);
  assert.equal(await secrets.get(a.id), null);
  await assert.rejects(registry.remove(a.id), (e: unknown) => e instanceof RelayError && e.status === 404);
  await assert.rejects(registry.getAccessToken(a.id), /no account/);
});

test("a failed metadata write undoes the secret write (nothing half-written)", async () => {
  const inner = createMemorySettingsStore();
  let fail = false;
  const flaky: SettingsStore = {
    get: (k) => inner.get(k),
    set: (k, v) => {
      if (fail) throw new Error("disk full");
      inner.set(k, v);
    },
    delete: (k) => inner.delete(k),
    get store() {
      return inner.store;
    },
  };
  const { registry, secrets, token } = await setup(undefined, flaky);
  const a = await registry.addFromLogin({ accessToken: await token("auth0|user_1"), refreshToken: "old" }, null);
  fail = true;
  await assert.rejects(registry.addFromLogin({ accessToken: await token("auth0|user_1"), refreshToken: "new" }, null), /disk full/);
  assert.equal((await secrets.get(a.id))?.refreshToken, "old", "the previous secret is restored");
  await assert.rejects(registry.addFromLogin({ accessToken: await token("auth0|user_2"), refreshToken: "x" }, null), /disk full/);
  assert.equal(secrets.entries.size, 1, "no orphan secret for the failed new account");
});

test("getAccessToken refreshes only inside the lead (10 min before expires_at = exp − 5 min)", async () => {
  let issued = 0;
  let nextToken = "";
  const ctx = await setup((url, init) => {
    assert.equal(url, "http://cursor.test/auth/exchange_user_api_key");
    assert.equal(init?.method, "POST");
    assert.equal((init?.headers as Record<string, string>).authorization, "Bearer rt-1");
    assert.equal(init?.body, "{}");
    issued++;
    return json(200, { accessToken: nextToken, refreshToken: "" }); // empty: keep the old refresh token
  });
  const { registry, clock, secrets, token } = ctx;
  registry.close(); // this test drives refreshes by hand
  const first = await token("auth0|user_1", HOUR);
  const a = await registry.addFromLogin({ accessToken: first, refreshToken: "rt-1" }, null);
  assert.equal(a.tokenExpiresAt, clock.now() + HOUR - 5 * 60_000);
  clock.advance(HOUR - 15 * 60_000 - 1000); // just outside the lead
  assert.equal(await registry.getAccessToken(a.id), first);
  assert.equal(issued, 0);
  clock.advance(2000); // inside the lead
  nextToken = await token("auth0|user_1", HOUR);
  assert.equal(await registry.getAccessToken(a.id), nextToken);
  assert.equal(issued, 1);
  assert.deepEqual(await secrets.get(a.id), { accessToken: nextToken, refreshToken: "rt-1" });
  assert.equal(registry.get(a.id)?.tokenExpiresAt, clock.now() + HOUR - 5 * 60_000);
});

test("the refresh timer fires ahead of expiry; a failed refresh keeps the tokens and retries with backoff", async () => {
  let mode: "fail" | "ok" = "fail";
  let nextToken = "";
  const ctx = await setup(() => (mode === "fail" ? new Response("try later", { status: 503 }) : json(200, { accessToken: nextToken, refreshToken: "rt-2" })));
  const { registry, clock, secrets, token, calls, changes } = ctx;
  const first = await token("auth0|user_1", HOUR);
  const a = await registry.addFromLogin({ accessToken: first, refreshToken: "rt-1" }, null);
  clock.advance(HOUR - 15 * 60_000 - 1);
  await flush();
  assert.equal(calls.length, 0);
  clock.advance(1);
  await flush();
  await flush();
  assert.equal(calls.length, 1, "refreshed 15 min before exp");
  assert.deepEqual(await secrets.get(a.id), { accessToken: first, refreshToken: "rt-1" }, "a failed refresh destroys nothing");
  assert.equal(registry.get(a.id)?.authExpired, false, "a timer failure does not mark the account expired");
  clock.advance(59_999);
  await flush();
  assert.equal(calls.length, 1);
  mode = "ok";
  nextToken = await token("auth0|user_1", HOUR);
  clock.advance(1);
  await flush();
  await flush();
  assert.equal(calls.length, 2, "retried after 1 min");
  assert.deepEqual(await secrets.get(a.id), { accessToken: nextToken, refreshToken: "rt-2" });
  assert.ok(changes.some((c) => c.type === "refreshed"));
  clock.advance(HOUR - 15 * 60_000 - 1000);
  await flush();
  assert.equal(calls.length, 2, "next refresh is scheduled from the new expiry");
  registry.close();
  assert.equal(clock.pending, 0);
});

test("401 path: one refresh then retry; a second 401 or a failed refresh marks the account auth expired", async () => {
  let ok = true;
  let nextToken = "";
  const ctx = await setup(() => (ok ? json(200, { accessToken: nextToken, refreshToken: "rt-2" }) : new Response('{"error":"revoked"}', { status: 401 })));
  const { registry, secrets, token, changes } = ctx;
  registry.close();
  const a = await registry.addFromLogin({ accessToken: await token("auth0|user_1"), refreshToken: "rt-1" }, null);
  nextToken = await token("auth0|user_1");
  assert.equal(await registry.onUnauthorized(a.id, false), "retry_same");
  assert.equal(await registry.getAccessToken(a.id), nextToken);
  assert.equal(await registry.onUnauthorized(a.id, true), "auth_expired");
  assert.equal(registry.get(a.id)?.authExpired, true);
  registry.clearAuthExpired(a.id);
  assert.equal(registry.get(a.id)?.authExpired, false);
  ok = false;
  assert.equal(await registry.onUnauthorized(a.id, false), "auth_expired");
  const info = registry.get(a.id)!;
  assert.equal(info.authExpired, true);
  assert.match(info.authExpiredReason ?? "", /token refresh failed \(status 401\)/);
  assert.equal((await secrets.get(a.id))?.refreshToken, "rt-2", "the stored refresh token survives the failure");
  assert.deepEqual(changes.filter((c) => c.type === "auth_expired").length, 2);
  // a re-login clears the mark
  const again = await registry.addFromLogin({ accessToken: await token("auth0|user_1"), refreshToken: "rt-3" }, null);
  assert.equal(again.authExpired, false);
});

test("concurrent refreshes of one account share a single request", async () => {
  let nextToken = "";
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const ctx = await setup(async () => {
    await gate;
    return json(200, { accessToken: nextToken, refreshToken: "rt-2" });
  });
  ctx.registry.close();
  const a = await ctx.registry.addFromLogin({ accessToken: await ctx.token("auth0|user_1"), refreshToken: "rt-1" }, null);
  nextToken = await ctx.token("auth0|user_1");
  const p = Promise.all([ctx.registry.refreshNow(a.id), ctx.registry.onUnauthorized(a.id, false), ctx.registry.refreshNow(a.id)]);
  release();
  const [r1, r2] = await p;
  assert.equal(ctx.calls.length, 1);
  assert.equal(r1.id, a.id);
  assert.equal(r2, "retry_same");
});

test("the lead constant is 10 minutes", () => assert.equal(REFRESH_LEAD_MS, 600_000));
