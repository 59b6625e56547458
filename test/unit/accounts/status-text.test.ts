// Status text that is true: an account whose stored credentials are gone says so (not
// "signed out", no sign-in token "renewing"); a last error goes once the account works
// again or is reset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RelayError } from "../../../app/base/errors.ts";
import { accountStatusText } from "../../../app/electron/account-status.ts";
import { readStateFile, resetStatusInStateFile, stateFileStatusSource } from "../../../app/accounts/status-source.ts";
import { startHarness } from "../../support/relay-harness.ts";
import { sampleAccount } from "../gateway/memory-control.ts";
import { makeRig } from "./rotation-helpers.ts";

test("an account whose stored credentials are missing: auth expired with that reason, no token renewal shown, tray says so", async (t) => {
  const h = await startHarness(t, { accounts: ["gone", "kept"] });
  const [gone] = h.accountIds;
  const { registry, secrets } = h.app.parts.accounts;
  await secrets.delete(gone!);
  // the entry was removed behind the relay's back; a refresh reads the store itself
  await assert.rejects(h.app.parts.accounts.registry.refreshNow(gone!), /no stored credentials/);
  const info = registry.get(gone!)!;
  assert.equal(info.credentialsMissing, true);
  assert.equal(info.authExpired, true);
  assert.match(info.authExpiredReason ?? "", /^credentials missing — log in again \(the (keychain|file) store has no stored credentials for cursor\.gone\)$/);
  registry.markAuthExpired(gone!, "no usable token: something that follows from it");
  assert.equal(registry.get(gone!)!.authExpiredReason, info.authExpiredReason, "the cause is not overwritten by its effects");

  const view = (await h.app.control.getSnapshot()).accounts.find((a) => a.id === gone)!;
  assert.equal(view.state, "auth_expired");
  assert.equal(view.credentialsMissing, true);
  assert.equal(view.tokenExpiresAt, null, "no 'sign-in token renews in …' for credentials that are gone");
  assert.equal(accountStatusText(view, Date.now()), "credentials missing — log in again");
  const other = (await h.app.control.getSnapshot()).accounts.find((a) => a.id !== gone)!;
  assert.equal(other.state, "ready");
  assert.notEqual(other.credentialsMissing, true);
  assert.ok(other.tokenExpiresAt !== null);
});

test("tray text: a signed-out account still reads 'sign-in expired'", () => {
  assert.equal(accountStatusText(sampleAccount({ id: "cursor.a", state: "auth_expired" }), 0), "sign-in expired");
  assert.equal(accountStatusText(sampleAccount({ id: "cursor.a", state: "auth_expired", credentialsMissing: true }), 0), "credentials missing — log in again");
});

test("a last error is cleared when the account succeeds again, and by a reset (here and in state.json)", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const { rotation } = rig.open();
  rotation.reportFailure(a, new RelayError({ kind: "invalid_request", status: 400, message: "bad body" }));
  assert.equal(rotation.view(a).lastError, "bad body");
  rotation.reportSuccess(a);
  assert.equal(rotation.view(a).lastError, null, "a success clears it");

  rotation.reportFailure(a, new RelayError({ kind: "upstream_error", status: 502, message: "stream reset" }));
  assert.equal(rotation.view(a).lastError, "stream reset");
  rotation.resetCooldown(a);
  assert.equal(rotation.view(a).lastError, null, "a reset clears it");

  rotation.reportFailure(a, new RelayError({ kind: "invalid_request", status: 400, message: "again" }));
  await rotation.flush();
  const read = () => readStateFile(rig.dir, rig.clock.now(), (m) => assert.fail(m));
  const state = read();
  assert.equal(stateFileStatusSource(state, () => rig.clock.now()).status(a).lastError, "again");
  assert.equal(resetStatusInStateFile(state, a, rig.clock.now()), true);
  assert.equal(stateFileStatusSource(read(), () => rig.clock.now()).status(a).lastError, null, "`accounts reset` clears it in state.json");
});

test("state.json read once per command: a damaged file is moved aside with one warning and reads as empty; a good one gives every account's status", (t) => {
  const rig = makeRig(t);
  const path = join(rig.dir, "state.json");
  writeFileSync(path, '{"version":1,"accounts":{"cursor.a":{"requests":3,"tok');
  const warnings: string[] = [];
  const damaged = readStateFile(rig.dir, 1_000, (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /state\.json was damaged; moved it to .*state\.json\.corrupt-1000 and started with empty usage and no cooldowns/);
  assert.equal(damaged.damaged, warnings[0]);
  assert.equal(damaged.accounts.size, 0);
  assert.deepEqual(readdirSync(rig.dir).filter((f) => f.startsWith("state.json")), ["state.json.corrupt-1000"]);

  writeFileSync(path, JSON.stringify({ version: 1, accounts: { "cursor.a": { requests: 3 }, "cursor.b": { requests: 5, lastError: "boom" } } }));
  const state = readStateFile(rig.dir, 2_000, (m) => assert.fail(m));
  assert.equal(state.damaged, null);
  // The file changes after the read: the command keeps what it read (no second parse per account).
  rmSync(path);
  const source = stateFileStatusSource(state, () => 2_000);
  assert.equal(source.status("cursor.a").requests, 3);
  assert.equal(source.status("cursor.b").lastError, "boom");
});
