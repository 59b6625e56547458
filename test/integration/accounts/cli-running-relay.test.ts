// `cursor-relay accounts reset|label|remove` against a RUNNING relay: the command goes
// through the relay's management API (authenticated with the management key the relay
// keeps in the secret store), so the relay applies it at once — no file edit under it,
// no re-read of state.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accountsCommand } from "../../../app/cli/accounts.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { MANAGEMENT_KEY_ENTRY } from "../../../app/base/runtime-file.ts";
import { haveKeyring, startHarness } from "../../support/relay-harness.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
}

const cooling429 = () => new RelayError({ kind: "rate_limited", status: 429, message: "upstream said 429", retryAfterMs: 600_000, upstreamCode: "resource_exhausted" });

test("accounts reset, label and remove drive the running relay through its ControlApi", async (t) => {
  const h = await startHarness(t, { accounts: [null, "work"] });
  const [a, b] = h.accountIds as [string, string];
  const { rotation, accounts } = h.app.parts;
  const global = ["--data-dir", h.dataDir, "--secret-store", haveKeyring ? "keychain" : "file", "--cursor-api", h.fake.url];
  assert.ok(await accounts.secrets.getRelayKey(MANAGEMENT_KEY_ENTRY), "the running relay keeps its management key in the secret store");

  rotation.reportFailure(a, cooling429());
  assert.equal(rotation.stateOf(a), "cooling");
  const reset = capture();
  assert.equal(await accountsCommand(["reset", a, ...global], reset.io), 0, reset.err.join("\n"));
  assert.equal(rotation.stateOf(a), "ready", "the running relay's rotation reset it at once");
  assert.match(reset.out.join("\n"), /^reset .*cleared$/);

  const label = capture();
  assert.equal(await accountsCommand(["label", b, "night shift", ...global], label.io), 0, label.err.join("\n"));
  assert.equal(accounts.registry.get(b)?.label, "night shift");
  assert.match(label.out.join("\n"), /is now shown as Cursor night shift$/);

  const bad = capture();
  assert.equal(await accountsCommand(["label", b, "!!", ...global], bad.io).catch(() => 1), 1, "the relay's own label rule refuses it");
  assert.equal(accounts.registry.get(b)?.label, "night shift", "the refused label changed nothing");

  rotation.recordUsage(b, { input: 5 });
  const remove = capture();
  assert.equal(await accountsCommand(["remove", b, ...global], remove.io), 0, remove.err.join("\n"));
  assert.equal(accounts.registry.get(b), null, "the running relay's registry dropped it");
  assert.deepEqual(rotation.view(b).tokensTotal, { input: 0, output: 0, cacheRead: 0 }, "and its rotation forgot it");
  assert.deepEqual(rotation.views().map((v) => v.id), [a]);

  await h.app.stop();
  assert.equal(await accounts.secrets.getRelayKey(MANAGEMENT_KEY_ENTRY), null, "a stopped relay leaves no management key behind");
});
