// `cursor-relay accounts` reads state.json exactly as the rotation writes it, and
// `accounts reset` with no relay running clears what the rotation persisted for the next
// start (with a relay running it goes through the relay: cli-running-relay.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { accountsCommand, type AccountRow } from "../../../app/cli/accounts.ts";
import { makeRig, rateLimited, upstream } from "./rotation-helpers.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
}

test("accounts lists state, cooldown remaining and tokens today/total from the rotation's state.json", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b", "work");
  const c = await rig.add("auth0|user_c");
  const { rotation } = rig.open();
  rotation.recordRequest(b);
  rotation.recordUsage(b, { input: 4000, output: 1500, cacheRead: 500 });
  rotation.reportFailure(b, rateLimited(150_000));
  rotation.reportFailure(c, upstream("upstream_forbidden", 403, { message: "Cursor denied access (permission_denied: team plan)" }));
  rotation.close();

  const global = ["--data-dir", rig.dir, "--secret-store", "file"];
  const json = capture();
  assert.equal(await accountsCommand(["--json", ...global], json.io, { clock: rig.clock }), 0);
  const rows = new Map((JSON.parse(json.out.join("\n")) as AccountRow[]).map((r) => [r.id, r]));
  assert.equal(rows.get(a)!.state, "ready");
  const work = rows.get(b)!;
  assert.equal(work.state, "cooling");
  assert.equal(work.cooldownRemainingMs, 150_000);
  assert.equal(work.cooldownReason, "upstream said 429");
  assert.deepEqual(work.tokensToday, { input: 4000, output: 1500, cacheRead: 500 });
  assert.deepEqual(work.tokensTotal, { input: 4000, output: 1500, cacheRead: 500 });
  assert.equal(work.requests, 1);
  assert.equal(work.lastError, "upstream said 429");
  assert.equal(rows.get(c)!.state, "cooling");
  assert.equal(rows.get(c)!.cooldownRemainingMs, 30 * 60_000);
  assert.equal(rows.get(c)!.cooldownReason, "Cursor denied access (permission_denied: team plan)");

  const table = capture();
  await accountsCommand(global, table.io, { clock: rig.clock });
  const line = table.out.find((l) => l.startsWith(b))!;
  assert.match(line, /^cursor\.work\s+Cursor work\s+cooling\s+2m 30s\s+6\.0k\s+6\.0k\s+1\s+-\s+-\s+-\s+-\s+in 55m$/);
});

test("accounts reset with no relay running clears a cooldown and a 403 the rotation persisted: the next start sees it", async (t) => {
  const rig = makeRig(t);
  const a = await rig.add("auth0|user_a");
  const b = await rig.add("auth0|user_b");
  const stopped = rig.open();
  stopped.rotation.reportFailure(a, rateLimited());
  stopped.rotation.reportFailure(a, rateLimited()); // backoff streak 2
  stopped.rotation.reportFailure(b, upstream("upstream_forbidden", 403));
  stopped.rotation.recordUsage(a, { input: 10 });
  stopped.rotation.close();

  const global = ["--data-dir", rig.dir, "--secret-store", "file"];
  for (const id of [a, b]) {
    const r = capture();
    assert.equal(await accountsCommand(["reset", id, ...global], r.io, { clock: rig.clock }), 0);
    assert.match(r.out.join(""), new RegExp(`reset Cursor \\w+ \\(${id.replace(".", "\\.")}\\)`));
  }
  const list = capture();
  await accountsCommand(["--json", ...global], list.io, { clock: rig.clock });
  assert.deepEqual((JSON.parse(list.out.join("")) as AccountRow[]).map((r) => r.state), ["ready", "ready"]);

  const restarted = rig.open().rotation;
  assert.equal(restarted.stateOf(a), "ready");
  assert.deepEqual(restarted.statusOf(a).tokensTotal, { input: 10, output: 0, cacheRead: 0 }, "usage survives a reset");
  const out = restarted.reportFailure(a, rateLimited());
  assert.equal(out.action === "cooling" && out.cooldownMs, 30_000, "the reset cleared the backoff streak");
});
