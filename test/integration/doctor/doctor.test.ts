// `cursor-relay doctor` against the fake Cursor over real sockets: all green on a healthy
// fake (the self-test Run's echo tool round trip seen on the fake's side, its tokens kept
// out of the usage figures), and each failure mode's ✗ line, next step and exit status.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KeytarLike } from "../../../app/accounts/secret-store-keytar.ts";
import { systemClock, type Clock } from "../../../app/base/clock.ts";
import { writeRuntimeInfo } from "../../../app/base/runtime-file.ts";
import { ECHO_TOOL_NAME } from "../../../app/doctor/self-test-run.ts";
import { DOCTOR_TURN, ECHO_TOOL_ARGS, resolveScenario, type Scenario, type Step } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";
import { doctor, doctorJson, lineOf, nextOf } from "./helpers.ts";

const doctorTurn = (): Step[] => structuredClone(DOCTOR_TURN);

test("healthy fake: every check passes, exit 0; the Run made the echo round trip; its tokens stay out of usage", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  const r = await doctor(h);
  assert.equal(r.code, 0, r.text);
  for (const title of ["data folder", "secret store", "token of", "models of", "self-test Run on", "protocol drift", "running relay"]) {
    assert.match(lineOf(r, title), /^✓ /, title);
  }
  assert.match(lineOf(r, "self-test Run on"), /echo tool round trip ok, checkpoint yes, 5 tokens \(not counted in usage\)/);
  assert.match(lineOf(r, "running relay"), /reachable, key valid, proxy on/);
  assert.match(lineOf(r, "data folder"), /\(0700\) \(\d+ ms\)$/);
  assert.match(r.text, /all checks passed in \d+ ms \(self-test used 5 tokens, not counted in usage\)/);

  const run = h.fake.runs.at(-1)!;
  assert.deepEqual(run.toolNames, [ECHO_TOOL_NAME]);
  assert.ok(run.requestContextTools.includes(ECHO_TOOL_NAME), "request context answered with the echo tool");
  assert.ok(run.kvReplies.length > 0, "KV prologue answered");
  assert.deepEqual(run.toolResults.map((x) => [x.text, x.isError]), [[ECHO_TOOL_ARGS.text, false]]);
  assert.equal(run.outcome, "completed");
  await h.fake.waitForIdle();

  const account = (await h.app.control.getSnapshot()).accounts[0]!;
  assert.deepEqual(account.tokensTotal, { input: 0, output: 0, cacheRead: 0 });
  assert.equal(account.requests, 0);
});

test("--json: one object with every check and ok; --account limits the Runs to one account", async (t) => {
  const h = await startHarness(t, { scenario: "doctor", accounts: ["one", "two"] });
  const all = await doctorJson(h);
  assert.equal(all.code, 0);
  assert.equal(all.report.ok, true);
  assert.equal(all.report.checks.filter((c) => c.id.startsWith("run:")).length, 2);
  assert.equal(all.report.selfTestTokens, 10);
  const before = h.fake.runs.length;
  const one = await doctorJson(h, ["--account", h.accountIds[1]!]);
  assert.equal(one.code, 0);
  assert.deepEqual(one.report.checks.filter((c) => c.id.startsWith("run:")).map((c) => c.id), [`run:${h.accountIds[1]}`]);
  assert.equal(h.fake.runs.length, before + 1);
});

test("locked keychain: ✗ secret store with the way out, no account checks, exit 1", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  const locked: KeytarLike = {
    getPassword: async () => {
      throw new Error("Cannot create an item in a locked collection");
    },
    setPassword: async () => {
      throw new Error("locked");
    },
    deletePassword: async () => false,
  };
  const r = await doctor(h, ["--secret-store", "keychain"], { keytar: locked });
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "secret store"), /^✗ secret store: the OS keychain is not available \(keychain probe failed: Cannot create an item in a locked collection\)/);
  assert.match(nextOf(r, "secret store"), /next: unlock the OS keychain .*--secret-store file/);
  assert.ok(!r.out.some((l) => l.includes("token of")), "no account checks without secrets");
  assert.match(lineOf(r, "data folder"), /^✓ /);
});

test("expired token whose refresh fails: ✗ token with 'log in again', the Run is skipped, exit 1", async (t) => {
  const h = await startHarness(t, { scenario: { ...resolveScenario("doctor"), login: { refreshFail: { status: 401, body: "refresh token revoked" } } } });
  const later: Clock = { ...systemClock, now: () => Date.now() + 3 * 24 * 3600_000 };
  const r = await doctor(h, [], { clock: later });
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "token of"), /^✗ token of .*: the token expired .* ago and the refresh failed: token refresh failed \(status 401\)/);
  assert.match(nextOf(r, "token of"), /next: log in again with `cursor-relay login`/);
  assert.match(lineOf(r, "self-test Run on"), /^– self-test Run on .*skipped, no usable token/);
  assert.equal(h.fake.refreshes.at(-1)?.status, 401);
});

test("a token near its expiry is refreshed first, and the check says so", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  const soon: Clock = { ...systemClock, now: () => Date.now() + 50 * 60_000 };
  const r = await doctor(h, [], { clock: soon });
  assert.match(lineOf(r, "token of"), /^✓ token of .*: refreshed; valid until \S+ \(in \d+ min\)/);
  assert.equal(h.fake.refreshes.at(-1)?.status, 200);
  assert.match(lineOf(r, "self-test Run on"), /^✓ /);
});

test("models call failing: ✗ models with Cursor's code, the Run is skipped, exit 1", async (t) => {
  const h = await startHarness(t, { scenario: { ...resolveScenario("doctor"), models: { fail: true } } });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "models of"), /^✗ models of .*: GetUsableModels failed: .*unavailable/);
  assert.match(nextOf(r, "models of"), /next: Cursor's service or the network failed/);
  assert.match(lineOf(r, "self-test Run on"), /skipped, no model list/);
});

test("a Run that never ends its turn: ✗ after the (short) timeout, exit 1, the stream is closed", async (t) => {
  const scenario: Scenario = { accounts: { "*": [[{ text: "Self-test answer." }, { silence: { heartbeatMs: 50 } }]] } };
  const h = await startHarness(t, { scenario });
  const r = await doctor(h, ["--timeout", "0.4"]);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "self-test Run on"), /^✗ self-test Run on .*: the turn did not end within 0\.4 s \(answer 17 chars, echo tool not called/);
  assert.match(nextOf(r, "self-test Run on"), /doctor --bundle FILE/);
  await h.fake.waitForIdle();
});

test("drift: an unknown field, frame kind and update kind make ✗ protocol drift name each, exit 1", async (t) => {
  const turn = doctorTurn();
  turn.splice(1, 0, { drift: "unknown-field" }, { drift: "unknown-frame-kind" }, { drift: "unknown-update-kind" });
  const h = await startHarness(t, { scenario: { accounts: { "*": [turn] } } });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "self-test Run on"), /^✓ /, "the turn itself still works");
  const line = lineOf(r, "protocol drift");
  assert.match(line, /^✗ protocol drift: Cursor sent what this relay does not know: /);
  for (const part of ["unknown_field TextDeltaUpdate#990 ×1", "unknown_update_kind 991 ×1", "unknown_frame_kind 990 ×1", "unknown_update_kind 990 ×1"]) {
    assert.ok(line.includes(part), `${part} in ${line}`);
  }
  assert.match(nextOf(r, "protocol drift"), /next: update Cursor Relay/);
});

// Whether a clean end without turn_ended fails the turn is the Run layer's call; the drift
// counter notes it either way.
test("drift: a renamed end of turn and end-stream shape count end_of_stream and fail the drift check", async (t) => {
  const turn = doctorTurn().filter((s) => !("turnEnded" in s));
  turn.push({ drift: "renamed-end-stream" });
  const h = await startHarness(t, { scenario: { accounts: { "*": [turn] } } });
  const { code, report } = await doctorJson(h);
  assert.equal(code, 1);
  const drift = report.checks.find((c) => c.id === "drift")!;
  assert.match(drift.detail, /end_of_stream ended_without_turn_ended ×1/);
  assert.match(drift.detail, /unknown_update_kind 992 ×1/);
});

test("a required header the relay does not send: ✗ models (failed_precondition) and ✗ drift (unclassified code)", async (t) => {
  const h = await startHarness(t, { scenario: { ...resolveScenario("doctor"), requireHeaders: ["x-cursor-new-required"] } });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "models of"), /^✗ .*failed_precondition: fake Cursor: missing required header x-cursor-new-required/);
  assert.match(lineOf(r, "protocol drift"), /unclassified_error failed_precondition ×1/);
});

test("running relay: proxy switched off, or a key the relay refuses, give ✗ running relay", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  await h.app.control.setProxyRunning(false);
  const off = await doctor(h);
  assert.equal(off.code, 1);
  assert.match(lineOf(off, "running relay"), /^✗ running relay: .* answers, but its proxy is switched off/);
  assert.match(nextOf(off, "running relay"), /turn the proxy on/);
  await h.app.control.setProxyRunning(true);
  const wrongKey = await doctor(h, [], {}, { CURSOR_RELAY_API_KEY: "not-the-relay-key" });
  assert.equal(wrongKey.code, 1);
  assert.match(lineOf(wrongKey, "running relay"), /refuses the stored relay key/);
});

test("running relay: relay.json names a live process whose port does not answer: ✗ with 'restart'", async (t) => {
  const h = await startHarness(t, { scenario: "doctor", relay: { runtimeFile: false } });
  const none = await doctor(h);
  assert.match(lineOf(none, "running relay"), /^– running relay: skipped, no relay is running/);
  assert.equal(none.code, 0, "no relay running is not a failure");
  writeRuntimeInfo(h.dataDir, { pid: process.pid, url: "http://127.0.0.1:9", port: 9, startedAt: Date.now(), keyEntry: "relay-key" });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "running relay"), /^✗ running relay: http:\/\/127\.0\.0\.1:9 \(pid \d+\) does not answer/);
  assert.match(nextOf(r, "running relay"), /next: restart the relay/);
});

test("the client version override (CURSOR_RELAY_CLIENT_VERSION) is what the self-test sends", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  const r = await doctor(h, [], {}, { CURSOR_RELAY_API_KEY: h.key, CURSOR_RELAY_CLIENT_VERSION: "cli-2027.01.31-0abcdef" });
  assert.equal(r.code, 0, r.text);
  assert.equal(h.fake.runs.at(-1)!.headers["x-cursor-client-version"], "cli-2027.01.31-0abcdef");
});
