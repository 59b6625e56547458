// Cursor's usage figures read from the fake over real sockets and shown in the snapshot and
// `cursor-relay accounts` (--json contract, text, --refresh); a failed read keeps them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accountsCommand, type AccountRow } from "../../../app/cli/accounts.ts";
import { haveKeyring, startHarness } from "../../support/relay-harness.ts";
import { until } from "../../support/until.ts";

const CYCLE_END = Date.UTC(2026, 11, 24, 0, 0, 0);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
}

test("quota: figures per account in the snapshot and in `accounts --json` / text; --refresh reads anew; a failed read keeps them", async (t) => {
  const h = await startHarness(t, { accounts: ["a", "b"] });
  h.fake.setUsage(h.subs[0]!, {
    billingCycleStart: String(CYCLE_END - 30 * 86_400_000),
    billingCycleEnd: String(CYCLE_END),
    planUsage: { autoPercentUsed: 40, apiPercentUsed: 100 },
    spendLimitUsage: { individualLimit: 5000, individualRemaining: 4700 },
    enabled: true,
    displayMessage: "You've hit your usage limit",
    planName: "Pro",
  });
  h.fake.setUsage(h.subs[1]!, { planUsage: { autoPercentUsed: 5, apiPercentUsed: 20 }, planName: "Pro+" });
  await h.app.control.refreshQuota(null);

  const snap = await h.app.control.getSnapshot();
  const [a, b] = h.accountIds.map((id) => snap.accounts.find((x) => x.id === id)!.quota!);
  assert.equal(a!.plan, "Pro");
  assert.equal(a!.apiPercentUsed, 100);
  assert.equal(a!.autoPercentUsed, 40);
  assert.deepEqual(a!.onDemand, { limitCents: 5000, spentCents: 300 });
  assert.equal(a!.resetsAt, CYCLE_END);
  assert.equal(a!.displayMessage, "You've hit your usage limit");
  assert.equal(b!.plan, "Pro+");
  assert.equal(b!.apiPercentUsed, 20);
  assert.ok(a!.readAt !== null && Math.abs(a!.readAt - Date.now()) < 60_000);

  const global = ["--data-dir", h.dataDir, "--secret-store", haveKeyring ? "keychain" : "file", "--cursor-api", h.fake.url];
  const json = capture();
  assert.equal(await accountsCommand(["--json", ...global], json.io), 0);
  const rows = JSON.parse(json.out.join("\n")) as AccountRow[];
  const rowA = rows.find((r) => r.id === h.accountIds[0])!;
  assert.equal(rowA.quota.plan, "Pro");
  assert.equal(rowA.quota.apiPercentUsed, 100);
  assert.equal(rowA.quota.autoPercentUsed, 40);
  assert.equal(rowA.quota.resetsAt, new Date(CYCLE_END).toISOString());
  assert.match(rowA.quota.readAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(typeof rowA.requests, "number");

  const text = capture();
  await accountsCommand(global, text.io);
  assert.match(text.out[0]!, /PLAN\s+AUTO\s+API\s+RESETS/);
  assert.match(text.out.find((l) => l.startsWith(h.accountIds[0]!))!, /\sPro\s+40%\s+100%\s+in \S+ \(2026-12-24\)/);

  // --refresh reads the figures itself (the relay is not asked)
  h.fake.setUsage(h.subs[1]!, { planUsage: { autoPercentUsed: 5, apiPercentUsed: 55 }, planName: "Pro+" });
  const refreshed = capture();
  assert.equal(await accountsCommand(["--json", "--refresh", ...global], refreshed.io), 0);
  const rowB = (JSON.parse(refreshed.out.join("\n")) as AccountRow[]).find((r) => r.id === h.accountIds[1])!;
  assert.equal(rowB.quota.apiPercentUsed, 55);
  assert.deepEqual(refreshed.err, []);
  h.fake.setUsage(h.subs[1]!, { fail: 500 });
  const failing = capture();
  assert.equal(await accountsCommand(["--json", "--refresh", ...global], failing.io), 0, "a failed read is not a failed command");
  assert.match(failing.err.join("\n"), new RegExp(`warning: ${h.accountIds[1]!.replace(".", "\\.")}: could not read its usage figures: .*status 500`));
  const keptRow = (JSON.parse(failing.out.join("\n")) as AccountRow[]).find((r) => r.id === h.accountIds[1])!;
  assert.equal(keptRow.quota.apiPercentUsed, 55, "the last figures stay");

  // a 401 refreshes the token once (a real refresh on the fake) and reads once more; still refused: a failed read, the account stays ready
  const refreshes = h.fake.refreshes.length;
  h.fake.setUsage(h.subs[0]!, { fail: 401 });
  await h.app.control.refreshQuota(h.accountIds[0]!);
  assert.equal(h.fake.refreshes.length, refreshes + 1);
  assert.match(h.app.parts.quota.quotaOf(h.accountIds[0]!).readError!, /status 401/);
  assert.equal(h.app.parts.rotation.stateOf(h.accountIds[0]!), "ready");

  // a failed read keeps the last figures with the time they were read, and serving goes on
  h.fake.setUsage(h.subs[0]!, { fail: 500 });
  await h.app.control.refreshQuota(h.accountIds[0]!);
  const kept = (await h.app.control.getSnapshot()).accounts.find((x) => x.id === h.accountIds[0])!.quota!;
  assert.equal(kept.apiPercentUsed, 100);
  assert.equal(kept.readAt, a!.readAt);
  assert.match(kept.readError!, /status 500/);
  assert.equal((await h.app.control.getSnapshot()).accounts.find((x) => x.id === h.accountIds[0])!.state, "ready");
});

test("quota: the relay reads every account's figures on start", async (t) => {
  const h = await startHarness(t, { accounts: ["a"], scenario: { turns: [[{ text: "x" }]], usage: { "*": { planUsage: { apiPercentUsed: 33 } } } } });
  await until("the start-up usage read", () => h.app.parts.quota.quotaOf(h.accountIds[0]!).readAt !== null);
  assert.equal(h.app.parts.quota.quotaOf(h.accountIds[0]!).figures?.apiPercentUsed, 33);
  assert.ok(h.fake.usageRequests.some((r) => r.sub === h.subs[0]));
});

test("quota: a request never waits on a usage call (a slow read is still pending when the answer is complete)", async (t) => {
  const h = await startHarness(t, { accounts: ["a"] });
  h.fake.setUsage(h.subs[0]!, { planUsage: { apiPercentUsed: 5 }, delayMs: 3000 });
  let readDone = false;
  const reading = h.app.control.refreshQuota(null).then(() => (readDone = true));
  const reply = await h.anthropic().messages.create({ model: "claude-4.5-sonnet", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
  assert.equal(reply.type, "message");
  assert.equal(readDone, false, "the answer came while the usage read was still waiting");
  await reading;
  assert.equal(h.app.parts.quota.quotaOf(h.accountIds[0]!).figures?.apiPercentUsed, 5);
});
