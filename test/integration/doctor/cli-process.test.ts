// The real `cursor-relay doctor` binary (a separate process, the real secret store) against
// a relay harness and the fake Cursor: exit 0 and a JSON report when all is well, exit 1
// with ✗ lines when not, exit 2 for a bad flag; and the relay's own runSelfTest over the
// management API, with the drift counters in its snapshot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SelfTestReport, Snapshot } from "../../../app/base/control-api.ts";
import { DOCTOR_TURN, type Step } from "../../fake-cursor/index.ts";
import { haveKeyring, startHarness } from "../../support/relay-harness.ts";
import { RELAY_BIN, run } from "../../e2e/cli-process.ts";

test("the binary: --json on a healthy fake exits 0; a missing data folder exits 1 with ✗; a bad flag exits 2", async (t) => {
  const h = await startHarness(t, { scenario: "doctor" });
  const store = haveKeyring ? "keychain" : "file";
  const ok = await run(process.execPath, [RELAY_BIN, "doctor", "--json", "--data-dir", h.dataDir, "--cursor-api", h.fake.url, "--secret-store", store], {
    timeoutMs: 60_000,
    // The keychain's relay-key entry is shared by every harness in the test keyring (see helpers.ts).
    env: { ...process.env, CURSOR_RELAY_API_KEY: h.key },
  });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const report = JSON.parse(ok.stdout) as SelfTestReport;
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.checks.map((c) => [c.id.replace(/:.*/, ""), c.status]),
    [["data_dir", "pass"], ["secret_store", "pass"], ["token", "pass"], ["models", "pass"], ["usage", "pass"], ["run", "pass"], ["drift", "pass"], ["relay", "pass"]],
  );

  const empty = mkdtempSync(join(tmpdir(), "cr-doctor-empty-"));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const missing = await run(process.execPath, [RELAY_BIN, "doctor", "--data-dir", join(empty, "none"), "--cursor-api", h.fake.url, "--secret-store", "file"]);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /^✗ data folder: .*none does not exist \(\d+ ms\)\n {4}next: add an account with `cursor-relay login`/m);
  assert.match(missing.stdout, /^✗ accounts: no account is set up/m);

  const bad = await run(process.execPath, [RELAY_BIN, "doctor", "--timeout", "soon"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--timeout: a number of seconds > 0/);
});

test("management API: POST self-test runs the checks inside the relay; the snapshot then carries the drift", async (t) => {
  const turn: Step[] = [...DOCTOR_TURN.slice(0, 1), { unknownExec: 97 }, ...DOCTOR_TURN.slice(1)];
  const h = await startHarness(t, { scenario: { accounts: { "*": [turn] } } });
  const auth = { authorization: `Bearer ${h.app.managementKey}` };
  const res = await fetch(`${h.url}/v0/management/self-test`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
  assert.equal(res.status, 200);
  const report = (await res.json()) as SelfTestReport;
  assert.equal(report.ok, false);
  assert.equal(report.checks.find((c) => c.id.startsWith("run:"))?.status, "pass");
  assert.match(report.checks.find((c) => c.id === "drift")!.detail, /unknown_exec_kind 97 ×1/);
  const snap = (await (await fetch(`${h.url}/v0/management/snapshot`, { headers: auth })).json()) as Snapshot;
  const entry = snap.drift?.find((e) => e.kind === "unknown_exec_kind" && e.key === "97");
  assert.ok(entry && entry.count >= 1 && entry.firstSeenAt > 0, JSON.stringify(snap.drift));
  assert.equal(snap.accounts[0]!.requests, 0, "the self-test is not a user request");
  const refused = await fetch(`${h.url}/v0/management/self-test`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  assert.equal(refused.status, 401);
});
