import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RelayError } from "../../../app/base/errors.ts";
import { usageDayKey } from "../../../app/accounts/status-source.ts";
import { makeRig, rateLimited, upstream, HOUR } from "./rotation-helpers.ts";
import { expectRelayError } from "../../support/relay-error.ts";

const MIN = 60_000;
const stateFile = (dir: string) => JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { accounts: Record<string, Record<string, unknown>> } & Record<string, unknown>;

test("429 without retry-after: 30 s, doubling per repeat up to 30 min; a success resets the backoff", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation } = rig.open();
  const seen: number[] = [];
  for (let i = 0; i < 9; i++) {
    const out = rotation.reportFailure(a, rateLimited());
    assert.equal(out.action, "cooling");
    if (out.action !== "cooling") return;
    seen.push(out.cooldownMs);
    assert.equal(out.until, rig.clock.now() + out.cooldownMs);
    assert.equal(rotation.stateOf(a), "cooling");
    rig.clock.advance(out.cooldownMs);
    assert.equal(rotation.stateOf(a), "ready", "the cooldown ends on its own");
  }
  assert.deepEqual(seen, [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000]);
  rotation.reportSuccess(a);
  const after = rotation.reportFailure(a, rateLimited());
  assert.equal(after.action === "cooling" && after.cooldownMs, 30_000, "a success starts the streak over");
});

test("429 with retry-after cools for exactly that long and leaves the backoff streak alone", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation, changes } = rig.open();
  const out = rotation.reportFailure(a, rateLimited(45_000));
  assert.deepEqual(out, { action: "cooling", until: rig.clock.now() + 45_000, cooldownMs: 45_000, status: 429, reason: "upstream said 429" });
  const s = rotation.statusOf(a);
  assert.equal(s.cooldownUntil, rig.clock.now() + 45_000);
  assert.equal(s.cooldownStatus, 429);
  assert.equal(s.cooldownReason, "upstream said 429");
  assert.deepEqual(changes.at(-1), { type: "cooling", accountId: a });
  rig.clock.advance(45_000);
  const next = rotation.reportFailure(a, rateLimited());
  assert.equal(next.action === "cooling" && next.cooldownMs, 30_000, "no retry-after: first backoff step");
  rig.clock.advance(30_000);
  assert.equal(rotation.reportFailure(a, rateLimited(0)).action === "cooling", true, "a zero retry-after still cools briefly");
  assert.equal(rotation.statusOf(a).cooldownUntil, rig.clock.now() + 1_000);
});

test("5xx, reset (502) and stall (504) cool briefly: 10 s doubling to 2 min; a success resets; a longer cooldown is kept", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation } = rig.open();
  const errors = [
    upstream("upstream_internal", 500),
    upstream("upstream_unavailable", 503),
    upstream("upstream_error", 502, { message: "Cursor closed the stream (rst_stream)" }),
    upstream("upstream_timeout", 504),
    upstream("upstream_internal", 500),
    upstream("upstream_internal", 500),
  ];
  const seen: number[] = [];
  for (const err of errors) {
    const out = rotation.reportFailure(a, err);
    assert.equal(out.action, "cooling");
    if (out.action !== "cooling") return;
    assert.equal(out.status, err.status);
    seen.push(out.cooldownMs);
    rig.clock.advance(out.cooldownMs);
  }
  assert.deepEqual(seen, [10_000, 20_000, 40_000, 80_000, 120_000, 120_000]);
  assert.deepEqual(rotation.view(a).errorsByStatus, { "500": 3, "502": 1, "503": 1, "504": 1 });
  rotation.reportSuccess(a);
  const long = rotation.reportFailure(a, rateLimited(10 * MIN));
  const brief = rotation.reportFailure(a, upstream("upstream_timeout", 504));
  assert.equal(brief.action === "cooling" && brief.until, long.action === "cooling" && long.until, "a stall does not shorten a quota cooldown");
  assert.equal(rotation.statusOf(a).cooldownStatus, 429);
  assert.equal(brief.action === "cooling" && brief.cooldownMs, 10 * MIN);
});

test("403 (permission_denied) cools the account 30 min, doubling per repeat up to 4 h, with Cursor's words; a reset ends it; 401 and client errors are only counted", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation, changes } = rig.open();
  const denied = () => upstream("upstream_forbidden", 403, { message: "Cursor denied access for this account (permission_denied: team plan required)" });
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    const out = rotation.reportFailure(a, denied());
    assert.equal(out.action, "cooling");
    if (out.action !== "cooling") return;
    seen.push(out.cooldownMs);
    assert.equal(out.status, 403);
    assert.equal(rotation.stateOf(a), "cooling");
    assert.equal(rotation.statusOf(a).cooldownReason, "Cursor denied access for this account (permission_denied: team plan required)");
    assert.equal(rotation.statusOf(a).cooldownStatus, 403);
    assert.equal(rotation.statusOf(a).disabledReason, null, "not a permanent verdict");
    assert.deepEqual(changes.at(-1), { type: "cooling", accountId: a });
    for (let k = 0; k < 3; k++) assert.equal(rotation.pick(), b, "a cooling account is not picked");
    rig.clock.advance(out.cooldownMs);
    assert.equal(rotation.stateOf(a), "ready", "the cooldown wears off");
  }
  assert.deepEqual(seen, [30 * MIN, 60 * MIN, 120 * MIN, 240 * MIN, 240 * MIN, 240 * MIN]);

  rotation.reportSuccess(a);
  const afterSuccess = rotation.reportFailure(a, denied());
  assert.equal(afterSuccess.action === "cooling" && afterSuccess.cooldownMs, 30 * MIN, "a success restarts the doubling");
  rotation.resetCooldown(a);
  assert.equal(rotation.stateOf(a), "ready", "the manual reset still works");
  assert.deepEqual(changes.at(-1), { type: "reset", accountId: a });
  const afterReset = rotation.reportFailure(a, denied());
  assert.equal(afterReset.action === "cooling" && afterReset.cooldownMs, 30 * MIN, "a reset restarts the doubling");

  assert.deepEqual(rotation.reportFailure(b, upstream("upstream_auth", 401)), { action: "recorded" });
  assert.deepEqual(rotation.reportFailure(b, new RelayError({ kind: "invalid_request", status: 400, message: "bad body" })), { action: "recorded" });
  assert.equal(rotation.stateOf(b), "ready");
  assert.deepEqual(rotation.view(b).errorsByStatus, { "400": 1, "401": 1 });
  assert.equal(rotation.view(b).lastError, "bad body");
});

test("a 403 mark from an older state file keeps the account out until it is reset", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  writeFileSync(join(rig.dir, "state.json"), JSON.stringify({ version: 1, accounts: { [a]: { disabledReason: "Cursor denied access (permission_denied: plan)" } } }));
  const { rotation } = rig.open();
  assert.equal(rotation.stateOf(a), "disabled");
  rig.clock.advance(24 * HOUR);
  assert.equal(rotation.stateOf(a), "disabled");
  rotation.resetCooldown(a);
  assert.equal(rotation.stateOf(a), "ready");
  assert.equal(rotation.statusOf(a).disabledReason, null);
});

test("auth-expired accounts (the registry's mark) are out of rotation", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const c = await rig.add("auth0|user_c");
  const { rotation, changes } = rig.open();
  rig.registry.markAuthExpired(a, "refresh failed");
  rig.registry.markAuthExpired(b, "refresh failed");
  assert.equal(rotation.stateOf(a), "auth_expired");
  assert.equal(rotation.statusOf(a).authExpired, true);
  assert.equal(rotation.stateOf(b), "auth_expired");
  assert.equal(rotation.isReady(a), false);
  assert.equal(rotation.isReady(c), true);
  assert.deepEqual(new Set([rotation.pick(), rotation.pick(), rotation.pick()]), new Set([c]));
  assert.ok(changes.some((x) => x.type === "account" && x.accountId === a), "registry changes are relayed for the UI");
  rig.registry.markAuthExpired(c, "refresh failed");
  const err = expectRelayError(() => rotation.pick(), "no_accounts", 503);
  assert.match(err.message, /all accounts are disabled or need a new login/);
  rig.registry.clearAuthExpired(a);
  assert.equal(rotation.pick(), a);
});

test("one account auth expired, another cooling after a stall: the answer says each, and is not a rate limit", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  rig.registry.markAuthExpired(a, "refresh failed");
  rotation.reportFailure(b, upstream("upstream_timeout", 504, { message: "Cursor sent nothing for 90 s (stalled stream)" }));
  const err = expectRelayError(() => rotation.pick(), "no_accounts", 503);
  assert.equal(err.retryable, false);
  assert.ok(err.message.includes(`${a} needs a new login`), err.message);
  assert.ok(err.message.includes(`${b} is cooling down for 10 s more after: Cursor sent nothing for 90 s (stalled stream)`), err.message);
  assert.doesNotMatch(err.message, /every Cursor account is cooling/);
});

test("a cooldown that expires puts the account back in rotation and emits a change; a manual reset ends it at once", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation, changes } = rig.open();
  rotation.reportFailure(a, rateLimited(90_000));
  for (let i = 0; i < 3; i++) assert.equal(rotation.pick(), b);
  rig.clock.advance(89_999);
  assert.equal(rotation.stateOf(a), "cooling");
  assert.ok(!changes.some((c) => c.type === "cooldown_ended"));
  rig.clock.advance(1);
  assert.deepEqual(changes.at(-1), { type: "cooldown_ended", accountId: a });
  assert.equal(rotation.stateOf(a), "ready");
  assert.equal(rotation.pick(), a, "back in rotation, and first: it was picked least recently");

  rotation.reportFailure(b, rateLimited(HOUR));
  assert.equal(rotation.stateOf(b), "cooling");
  rotation.resetCooldown(b);
  assert.equal(rotation.stateOf(b), "ready");
  assert.equal(rotation.statusOf(b).cooldownUntil, null);
  assert.deepEqual(changes.at(-1), { type: "reset", accountId: b });
  rig.clock.advance(HOUR);
  assert.ok(!changes.some((c) => c.type === "cooldown_ended" && c.accountId === b), "the reset cancelled the end timer");
  const again = rotation.reportFailure(b, rateLimited());
  assert.equal(again.action === "cooling" && again.cooldownMs, 30_000, "a reset starts the backoff over");
});

test("round-robin is fair, prefer wins when ready, exclude is honoured", async (t) => {
  const rig = makeRig(t);
  for (const sub of ["auth0|user_a", "auth0|user_b", "auth0|user_c"]) await rig.add(sub);
  const ids = rig.registry.list().map((x) => x.id); // the stable order ties follow
  const { rotation } = rig.open();
  const picks = Array.from({ length: 9 }, () => rotation.pick());
  assert.deepEqual(picks, [...ids, ...ids, ...ids]);
  const [a, b, c] = ids as [string, string, string];
  assert.equal(rotation.pick({ prefer: c }), c);
  assert.equal(rotation.pick({ prefer: c }), c, "prefer wins every time it is ready");
  // Least recently picked: a was picked before b, and c just now.
  assert.equal(rotation.pick(), a);
  assert.equal(rotation.pick(), b);
  rotation.reportFailure(c, rateLimited(MIN));
  assert.equal(rotation.pick({ prefer: c }), a, "a cooling preferred account is passed over");
  assert.equal(rotation.pick({ exclude: new Set([a]), prefer: a }), b, "an excluded one too");
  const counts = new Map<string, number>();
  for (let i = 0; i < 20; i++) {
    const id = rotation.pick();
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), { [a]: 10, [b]: 10 });
});

test("429 with retryAfterMs = the soonest cooldown end when every candidate cools; 503 when none is usable", async (t) => {
  const rig = makeRig(t);
  const { rotation } = rig.open();
  const none = expectRelayError(() => rotation.pick(), "no_accounts", 503);
  assert.equal(none.message, "no Cursor account: run `cursor-relay login`");
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const c = await rig.add("auth0|user_c");
  rotation.reportFailure(a, rateLimited(5 * MIN));
  rotation.reportFailure(b, rateLimited(2 * MIN));
  rig.registry.markAuthExpired(c, "refresh failed");
  const limited = expectRelayError(() => rotation.pick(), "rate_limited", 429);
  assert.equal(limited.retryAfterMs, 2 * MIN);
  assert.match(limited.message, /ready again in 120 s/);
  assert.equal(limited.isUpstream, false, "the relay's own 429 does not read as an account failure");
  rig.clock.advance(30_000);
  assert.equal(expectRelayError(() => rotation.pick({ exclude: new Set([b]) }), "rate_limited", 429).retryAfterMs, 4.5 * MIN, "excluded accounts do not count");
  const excluded = expectRelayError(() => rotation.pick({ exclude: new Set([a, b]) }), "no_accounts", 503);
  assert.match(excluded.message, /already failed this request/);
  rig.clock.advance(90_000);
  assert.equal(rotation.pick(), b);
});

test("usage: requests, today and total tokens, 60 per-minute buckets, day rollover", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation, changes } = rig.open();
  const start = rig.clock.now();
  rotation.recordRequest(a);
  rotation.recordUsage(a, { input: 100, output: 20, cacheRead: 50 });
  rig.clock.advance(MIN);
  rotation.recordUsage(a, { output: 30 });
  rotation.recordUsage(a, { input: -5, output: Number.NaN });
  rig.clock.advance(2 * MIN);
  rotation.recordRequest(a);
  rotation.recordUsage(a, { input: 7 });
  const v = rotation.view(a);
  assert.equal(v.requests, 2);
  assert.equal(v.lastUsedAt, rig.clock.now());
  assert.deepEqual(v.tokensToday, { input: 107, output: 50, cacheRead: 50 });
  assert.deepEqual(v.tokensTotal, { input: 107, output: 50, cacheRead: 50 });
  assert.equal(v.tokensPerMinute.length, 60);
  const expected = new Array<number>(60).fill(0);
  expected[56] = 120; // three minutes ago (cacheRead is not counted)
  expected[57] = 30;
  expected[59] = 7; // the current minute is last
  assert.deepEqual(v.tokensPerMinute, expected);
  assert.deepEqual(rotation.tokensPerMinute(a), expected);
  assert.equal(changes.filter((c) => c.type === "usage").length, 5, "the ignored report changed nothing");

  rig.clock.advance(HOUR);
  assert.deepEqual(rotation.tokensPerMinute(a), new Array<number>(60).fill(0), "older than an hour is gone");

  const d = new Date(rig.clock.now());
  const nextMidnight = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  rig.clock.advance(nextMidnight - rig.clock.now() + 1_000);
  assert.notEqual(usageDayKey(rig.clock.now()), usageDayKey(start));
  assert.deepEqual(rotation.statusOf(a).tokensToday, { input: 0, output: 0, cacheRead: 0 }, "a new day starts at zero");
  rotation.recordUsage(a, { input: 1, output: 2 });
  assert.deepEqual(rotation.statusOf(a).tokensToday, { input: 1, output: 2, cacheRead: 0 });
  assert.deepEqual(rotation.statusOf(a).tokensTotal, { input: 108, output: 52, cacheRead: 50 });
  await rotation.flush();
  const days = (stateFile(rig.dir).accounts[a]!.tokens as { days: Record<string, unknown> }).days;
  assert.deepEqual(Object.keys(days).sort(), [usageDayKey(start), usageDayKey(rig.clock.now())].sort());
});

test("view() has every AccountView field the rotation owns", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation } = rig.open();
  rotation.reportFailure(a, rateLimited(MIN));
  const v = rotation.view(a);
  assert.deepEqual(Object.keys(v).sort(), [
    "cooldownReason",
    "cooldownStatus",
    "cooldownUntil",
    "disabledReason",
    "errorsByStatus",
    "id",
    "lastError",
    "lastUsedAt",
    "requests",
    "state",
    "tokenExpiresAt",
    "tokensPerMinute",
    "tokensToday",
    "tokensTotal",
  ]);
  assert.equal(v.state, "cooling");
  assert.equal(v.tokenExpiresAt, rig.registry.get(a)!.tokenExpiresAt);
  assert.deepEqual(rotation.views().map((x) => x.id), [a]);
});

test("a restart keeps a running cooldown, the backoff streak and usage; an expired cooldown is gone", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const first = rig.open();
  first.rotation.reportFailure(a, rateLimited()); // 30 s, streak 1
  first.rotation.reportFailure(b, rateLimited(20 * MIN));
  first.rotation.recordRequest(b);
  first.rotation.recordUsage(b, { input: 1000, output: 200, cacheRead: 5 });
  first.rotation.reportFailure(b, upstream("upstream_internal", 500, { message: "boom" }));
  assert.equal(first.writes, 2, "each new cooldown is written at once (the third failure keeps b's longer one)");
  first.rotation.close();
  assert.equal(first.writes, 3, "close flushes the usage and error counts");

  rig.clock.advance(MIN); // a's 30 s are over while the relay is down
  const second = rig.open();
  const c = second.rotation;
  assert.equal(c.stateOf(a), "ready");
  assert.equal(c.statusOf(a).cooldownUntil, null, "a stale cooldown is not kept");
  assert.equal(c.stateOf(b), "cooling", "a real limit survives the restart");
  assert.equal(c.statusOf(b).cooldownUntil, rig.clock.now() + 19 * MIN);
  assert.equal(c.statusOf(b).cooldownStatus, 429);
  const v = c.view(b);
  assert.deepEqual(v.tokensTotal, { input: 1000, output: 200, cacheRead: 5 });
  assert.deepEqual(v.tokensToday, { input: 1000, output: 200, cacheRead: 5 });
  assert.equal(v.tokensPerMinute[58], 1200, "the last hour's minutes survive too");
  assert.equal(v.requests, 1);
  assert.deepEqual(v.errorsByStatus, { "429": 1, "500": 1 });
  assert.equal(v.lastError, "boom");
  c.recordRequest(b);
  await c.flush();
  assert.equal(stateFile(rig.dir).accounts[a]!.cooldownUntil, null, "the stale cooldown is not written back either");
  const again = c.reportFailure(a, rateLimited());
  assert.equal(again.action === "cooling" && again.cooldownMs, 60_000, "the backoff streak survives");
  rig.clock.advance(19 * MIN - 1);
  const endsOfB = () => second.changes.filter((x) => x.type === "cooldown_ended" && x.accountId === b).length;
  assert.equal(endsOfB(), 0);
  rig.clock.advance(1);
  assert.equal(endsOfB(), 1, "the loaded cooldown ends with an event");
});

test("writes are debounced: many updates, one write per window; flush writes at once; close stops every timer", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const opened = rig.open({ persistDebounceMs: 1000 });
  const { rotation } = opened;
  for (let i = 0; i < 200; i++) {
    rotation.recordRequest(a);
    rotation.recordUsage(a, { input: 1, output: 1 });
  }
  rig.clock.advance(999);
  assert.equal(opened.writes, 0, "usage counters are debounced");
  assert.equal(existsSync(join(rig.dir, "state.json")), false);
  rig.clock.advance(1);
  assert.equal(opened.writes, 1);
  assert.equal(existsSync(join(rig.dir, "state.json")), false, "written off the event loop, not on the timer's turn");
  await rotation.flush();
  const written = stateFile(rig.dir).accounts[a]!;
  assert.equal(written.requests, 200);
  assert.deepEqual((written.tokens as { total: unknown }).total, { input: 200, output: 200, cacheRead: 0 });
  rotation.reportFailure(a, upstream("upstream_internal", 500));
  assert.equal(opened.writes, 2, "a cooldown is written at once, not debounced");
  assert.ok((stateFile(rig.dir).accounts[a]!.cooldownUntil as number) > rig.clock.now());
  rig.clock.advance(11_000);
  assert.equal(opened.writes, 3, "the cooldown's end (at 10 s) is one more change, written once");
  await rotation.flush();
  assert.equal(stateFile(rig.dir).accounts[a]!.cooldownUntil, null);
  rotation.recordRequest(a);
  await rotation.flush();
  const afterFlush = opened.writes;
  assert.equal(stateFile(rig.dir).accounts[a]!.requests, 201, "flush writes now");
  await rotation.flush();
  assert.equal(opened.writes, afterFlush, "a flush with nothing new writes nothing");
  rotation.recordUsage(a, { output: 1 });
  rotation.close();
  assert.equal(opened.writes, afterFlush + 1, "close flushes what is pending");
  assert.equal(rig.clock.pending, 0, "no timer left behind");
});

test("a corrupt state.json does not stop the relay: warned, kept aside, started empty", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  writeFileSync(join(rig.dir, "state.json"), '{"accounts": {"cursor.x": {"cooldownUntil": 12');
  const { rotation } = rig.open();
  assert.equal(rotation.stateOf(a), "ready");
  const aside = readdirSync(rig.dir).filter((f) => f.startsWith("state.json.corrupt-"));
  assert.deepEqual(aside, [`state.json.corrupt-${rig.clock.now()}`]);
  assert.equal(readFileSync(join(rig.dir, aside[0]!), "utf8"), '{"accounts": {"cursor.x": {"cooldownUntil": 12', "the bad file is kept as it was");
  assert.ok(rig.logs.some((l) => /WARN .*account state file .*state\.json was damaged; moved it to .*state\.json\.corrupt-/.test(l)));
  rotation.recordRequest(a);
  await rotation.flush();
  assert.equal(stateFile(rig.dir).accounts[a]!.requests, 1, "a fresh, valid file replaces it");

  writeFileSync(join(rig.dir, "state.json"), "[1,2,3]");
  rig.clock.advance(1);
  const second = rig.open();
  assert.equal(second.rotation.statusOf(a).requests, 0, "JSON that is not an object counts as corrupt too");
  assert.equal(readdirSync(rig.dir).filter((f) => f.startsWith("state.json.corrupt-")).length, 2);
});

test("no token ever reaches state.json, even inside an error message", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation } = rig.open();
  const [tokenA, refreshA] = rig.tokens as [string, string];
  rotation.reportFailure(a, upstream("upstream_error", 502, { message: `Cursor request failed (unknown: bad header Bearer ${refreshA})` }));
  rotation.reportFailure(b, upstream("upstream_forbidden", 403, { message: `denied for token ${tokenA}` }));
  rotation.reportFailure(a, rateLimited());
  rotation.recordUsage(a, { input: 10 });
  await rotation.flush();
  const text = readFileSync(join(rig.dir, "state.json"), "utf8");
  for (const secret of rig.tokens) assert.ok(!text.includes(secret), "a token leaked into state.json");
  assert.ok(!/eyJ[A-Za-z0-9_-]{5,}\./.test(text), "nothing JWT-shaped");
  assert.match(rotation.statusOf(b).cooldownReason ?? "", /denied for token \[redacted-jwt\]/);
  for (const file of readdirSync(rig.dir)) {
    const content = readFileSync(join(rig.dir, file), "utf8");
    for (const secret of rig.tokens) assert.ok(!content.includes(secret), `a token leaked into ${file}`);
  }
});

test("removing an account forgets it; a re-login that moves the account to a labelled id carries its cooldown", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const { rotation, changes } = rig.open();
  rotation.recordUsage(b, { input: 9 });
  await rig.registry.remove(b);
  assert.deepEqual(changes.slice(-2), [
    { type: "forgotten", accountId: b },
    { type: "account", accountId: b },
  ]);
  await rotation.flush();
  assert.equal(stateFile(rig.dir).accounts[b], undefined);

  rotation.reportFailure(a, rateLimited(HOUR));
  rotation.recordUsage(a, { output: 3 });
  const moved = await rig.add("auth0|user_a", "work");
  assert.equal(moved, "cursor.work");
  assert.equal(rotation.stateOf(moved), "cooling", "the same Cursor user keeps its limit under the new id");
  assert.deepEqual(rotation.statusOf(moved).tokensTotal, { input: 0, output: 3, cacheRead: 0 });
  await rotation.flush();
  assert.deepEqual(Object.keys(stateFile(rig.dir).accounts), [moved]);

  // A late report for an account that no longer exists leaves no ghost entry.
  rotation.recordUsage("cursor.gone", { input: 1 });
  await rotation.flush();
  assert.equal(stateFile(rig.dir).accounts["cursor.gone"], undefined);
});
