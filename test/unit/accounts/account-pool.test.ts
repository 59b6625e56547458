import { test } from "node:test";
import assert from "node:assert/strict";
import { createAccountPool } from "../../../app/accounts/account-pool.ts";
import { createAccountRegistry } from "../../../app/accounts/registry.ts";
import { createFileSettingsStore } from "../../../app/accounts/settings-store.ts";
import type { SecretStore } from "../../../app/accounts/secret-store.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { json, mintJwt } from "./helpers.ts";
import { makeRig, rateLimited, upstream, HOUR } from "./rotation-helpers.ts";
import { rejectsWithRelayError } from "../../support/relay-error.ts";

const none = new Set<string>();
const isRefresh = (url: string) => url.endsWith("/auth/exchange_user_api_key");

test("401: one refresh and retry_same on the same account, then next and auth expired", async (t) => {
  let refreshed = "";
  const rig = makeRig(t, async (url) => {
    assert.ok(isRefresh(url));
    refreshed = await mintJwt("auth0|user_a", (rig.clock.now() + HOUR) / 1000);
    return json(200, { accessToken: refreshed, refreshToken: "refresh-2" });
  });
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation, logger: rig.logger });

  const first = await pool.acquire({ exclude: none, prefer: a });
  assert.equal(first.accountId, a);
  assert.equal(first.accessToken, rig.tokens[0]);
  assert.equal(await pool.failed(a, upstream("upstream_auth", 401), false), "retry_same");
  assert.equal(rig.calls.length, 1, "exactly one refresh");
  assert.equal(pool.canContinue(a), true);

  const again = await pool.acquire({ exclude: none, prefer: a });
  assert.deepEqual(again, { accountId: a, accessToken: refreshed }, "the retry gets the fresh token");
  assert.equal(await pool.failed(a, upstream("upstream_auth", 401), true), "next");
  assert.equal(rig.calls.length, 1, "no second refresh for the same turn");
  assert.equal(rig.registry.get(a)!.authExpired, true);
  assert.equal(pool.canContinue(a), false);
  assert.equal(rotation.stateOf(a), "auth_expired");
  assert.deepEqual(rotation.view(a).errorsByStatus, { "401": 2 });

  for (let i = 0; i < 3; i++) assert.equal((await pool.acquire({ exclude: none, prefer: a })).accountId, b, "an expired account is skipped");
  rig.registry.markAuthExpired(b, "refresh failed");
  await rejectsWithRelayError(pool.acquire({ exclude: none }), "no_accounts", 503);
});

test("401 whose refresh fails: next, and the account is marked auth expired", async (t) => {
  const rig = makeRig(t, () => json(401, { error: "invalid refresh token" }));
  const a = await rig.add("auth0|user_a");
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  await pool.acquire({ exclude: none });
  assert.equal(await pool.failed(a, upstream("upstream_auth", 401), false), "next");
  assert.equal(rig.calls.length, 1);
  assert.match(rig.registry.get(a)!.authExpiredReason ?? "", /refresh failed/);
  await rejectsWithRelayError(pool.acquire({ exclude: none }), "no_accounts", 503);
});

test("a refresh that fails on acquire (token at its end) marks the account auth expired and moves to the next", async (t) => {
  const rig = makeRig(t, () => new Response("down", { status: 500 }));
  const a = await rig.add("auth0|user_a", null, 4 * 60_000); // expires_at (exp − 5 min) is already past
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  const lease = await pool.acquire({ exclude: none, prefer: a });
  assert.equal(lease.accountId, b);
  assert.equal(lease.accessToken, rig.tokens[2]);
  assert.ok(rig.calls.some((c) => isRefresh(c.url)), "a refresh was tried first");
  assert.equal(rig.registry.get(a)!.authExpired, true);
  assert.match(rig.registry.get(a)!.authExpiredReason ?? "", /refreshing it failed/);
});

test("a token inside the refresh lead whose refresh fails is still used while it is valid", async (t) => {
  const rig = makeRig(t, () => new Response("down", { status: 500 }));
  const a = await rig.add("auth0|user_a", null, 12 * 60_000); // inside the 10 min lead, 7 min before expires_at
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  const lease = await pool.acquire({ exclude: none });
  assert.deepEqual(lease, { accountId: a, accessToken: rig.tokens[0] });
  assert.equal(rig.calls.length, 1);
  assert.equal(rig.registry.get(a)!.authExpired, false);
});

test("missing credentials mark the account expired; an unreadable keychain skips it without a mark", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const keychainDown = new RelayError({ kind: "keychain", status: 503, message: "the keychain is locked" });
  let mode: "missing" | "locked" = "missing";
  const store: SecretStore = {
    kind: "memory",
    get: async (id) => {
      if (id === a) {
        if (mode === "locked") throw keychainDown;
        return null;
      }
      return rig.secrets.get(id);
    },
    set: (id, s) => rig.secrets.set(id, s),
    delete: (id) => rig.secrets.delete(id),
    getRelayKey: async () => null,
    setRelayKey: async () => undefined,
    deleteRelayKey: async () => undefined,
  };
  // A second process view of the same accounts (fresh cache), reading secrets from `store`.
  const registry = createAccountRegistry({ dataDir: rig.dir, settings: createFileSettingsStore(rig.dir), secrets: store, cursorApi: "http://cursor.test", clock: rig.clock, refreshTimers: false });
  t.after(() => registry.close());
  const pool = createAccountPool({ registry, rotation });

  assert.equal((await pool.acquire({ exclude: none, prefer: a })).accountId, b);
  assert.equal(rig.registry.get(a)!.authExpired, true);
  assert.match(rig.registry.get(a)!.authExpiredReason ?? "", /no stored credentials/);

  rig.registry.clearAuthExpired(a);
  mode = "locked";
  assert.equal((await pool.acquire({ exclude: none, prefer: a })).accountId, b);
  assert.equal(rig.registry.get(a)!.authExpired, false, "a locked keychain is not the account's fault");
  const err = await rejectsWithRelayError(pool.acquire({ exclude: new Set([b]), prefer: a }), "keychain", 503);
  assert.equal(err, keychainDown, "when nothing else is left, the keychain error explains why");
});

test("other failures cool the account and fail over; success, requests and usage reach the rotation", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  assert.equal(await pool.failed(a, rateLimited(), false), "next");
  assert.equal(rotation.stateOf(a), "cooling");
  assert.equal(pool.canContinue(a), true, "a cooling account may still finish a stream Cursor accepted");
  assert.equal((await pool.acquire({ exclude: none, prefer: a })).accountId, b);
  assert.equal(await pool.failed(b, upstream("upstream_forbidden", 403), false), "next");
  assert.equal(rotation.stateOf(b), "cooling", "Cursor refusing the account cools it (30 min)");
  const unavailable = await rejectsWithRelayError(pool.acquire({ exclude: none }), "no_accounts", 503);
  assert.equal(unavailable.retryAfterMs, 30_000, "the soonest recovery");
  assert.equal(unavailable.retryable, false, "not a rate limit for the client to sit out: one account was refused");

  rig.clock.advance(30_000);
  assert.equal(pool.canContinue(a), true);
  pool.succeeded(a);
  const next = rotation.reportFailure(a, rateLimited());
  assert.equal(next.action === "cooling" && next.cooldownMs, 30_000, "success reset the backoff");
  rotation.resetCooldown(a);

  pool.recordRequest(a);
  pool.recordUsage(a, { input: 12, output: 3 });
  const v = rotation.view(a);
  assert.equal(v.requests, 1);
  assert.deepEqual(v.tokensTotal, { input: 12, output: 3, cacheRead: 0 });
  assert.equal(pool.canContinue("cursor.unknown"), false, "an account the registry does not list continues nothing");
});

test("no account at all: 503 with the login hint", async (t) => {
  const rig = makeRig(t);
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  const err = await rejectsWithRelayError(pool.acquire({ exclude: none }), "no_accounts", 503);
  assert.match(err.message, /run `cursor-relay login`/);
});

test("unavailable() answers what acquire would throw, without moving the round-robin or touching a token", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const pool = createAccountPool({ registry: rig.registry, rotation });
  assert.equal(pool.unavailable(), null);
  const first = (await pool.acquire({ exclude: none })).accountId;
  for (let i = 0; i < 3; i++) assert.equal(pool.unavailable(), null);
  assert.notEqual((await pool.acquire({ exclude: none })).accountId, first, "asking did not count as a pick");
  await pool.failed(a, rateLimited(60_000), false);
  await pool.failed(b, rateLimited(30_000), false);
  const why = pool.unavailable();
  assert.equal(why?.kind, "rate_limited");
  assert.equal(why?.status, 429);
  assert.equal(why?.retryAfterMs, 30_000);
  assert.equal(rig.calls.length, 0, "no refresh was tried");
  await rejectsWithRelayError(pool.acquire({ exclude: none }), "rate_limited", 429);
});
