// `cursor-relay doctor`'s usage line per account, against the fake's "usage" scenario over
// real sockets: the figures read live (plan, Auto/API %, reset, read time) right after the
// models line; a used-up pool passes and names its reset; a failed read is a ✗ with the
// next step. The read costs no tokens and leaves the relay's stored figures as they were.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { QUOTA_FILE } from "../../../app/accounts/quota-file.ts";
import { resolveScenario, type Scenario, type UsageSpec } from "../../fake-cursor/index.ts";
import { startHarness } from "../../support/relay-harness.ts";
import { doctor, doctorJson, lineOf, nextOf } from "./helpers.ts";

const RESETS = Date.UTC(2031, 2, 14, 9, 30);
const withUsage = (usage: Record<string, UsageSpec>): Scenario => ({ ...resolveScenario("doctor"), usage });
const pro: UsageSpec = { billingCycleEnd: String(RESETS), planUsage: { autoPercentUsed: 40, apiPercentUsed: 62.5 }, planName: "Pro" };

test("usage line after the models line: plan, Auto and API %, reset date and read time; exit 0", async (t) => {
  const h = await startHarness(t, { scenario: withUsage({ "*": pro }) });
  const r = await doctor(h);
  assert.equal(r.code, 0, r.text);
  const usage = lineOf(r, "usage of");
  assert.match(usage, /^✓ usage of .*: Pro plan; Auto 40% used; API 62\.5% used; resets 2031-03-14; read \d{4}-\d\d-\d\dT\S+Z \(\d+ ms\)$/);
  const titles = r.out.map((l) => l.slice(2).split(" of ")[0]);
  assert.equal(titles.indexOf("usage"), titles.indexOf("models") + 1, "the usage line follows the models line");
});

test("a pool at 100% passes (the relay routes around it) and says until when; Cursor's message shown", async (t) => {
  const usedUp: UsageSpec = { ...pro, planUsage: { autoPercentUsed: 10, apiPercentUsed: 100 }, displayMessage: "You've hit your usage limit" };
  const h = await startHarness(t, { scenario: withUsage({ "*": usedUp }) });
  const r = await doctor(h);
  const usage = lineOf(r, "usage of");
  assert.match(usage, /^✓ usage of .*: Pro plan; Auto 10% used; API 100% used; resets 2031-03-14; API pool used up until 2031-03-14; Cursor says "You've hit your usage limit"; read /);
  assert.ok(!usage.includes("Auto pool used up"));
});

test("a failed read (500): ✗ usage with the next step, exit 1; the token, models and Run lines still pass", async (t) => {
  const h = await startHarness(t, { scenario: withUsage({ "*": { ...pro, fail: 500 } }) });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "usage of"), /^✗ usage of .*: usage read failed \(status 500\): .*usage call failed with 500/);
  assert.match(nextOf(r, "usage of"), /next: Cursor's usage service or the network failed; serving does not depend on it/);
  for (const title of ["token of", "models of", "self-test Run on"]) assert.match(lineOf(r, title), /^✓ /, title);
});

test("a refused read (401): ✗ usage whose next step is to log in again", async (t) => {
  const h = await startHarness(t, { scenario: withUsage({ "*": { ...pro, fail: 401 } }) });
  const r = await doctor(h);
  assert.equal(r.code, 1);
  assert.match(lineOf(r, "usage of"), /^✗ usage of .*: usage read failed \(status 401\)/);
  assert.match(nextOf(r, "usage of"), /next: log in again with `cursor-relay login`/);
});

test("--json: a usage:<account> check per account with the figures, and one failing account fails the report", async (t) => {
  const h = await startHarness(t, { scenario: withUsage({ "*": pro }), accounts: ["one", "two"] });
  h.fake.setUsage(h.subs[1]!, { fail: 500 });
  const { code, report } = await doctorJson(h);
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  const byId = new Map(report.checks.map((c) => [c.id, c]));
  const [one, two] = h.accountIds.map((id) => byId.get(`usage:${id}`)!);
  assert.equal(one!.status, "pass");
  assert.match(one!.detail, /^Pro plan; Auto 40% used; API 62\.5% used; resets 2031-03-14; read /);
  assert.equal(one!.next, null);
  assert.equal(two!.status, "fail");
  assert.match(two!.next!, /try again in a few minutes/);
  const ids = report.checks.map((c) => c.id);
  for (const id of h.accountIds) assert.equal(ids.indexOf(`usage:${id}`), ids.indexOf(`models:${id}`) + 1);
});

test("the read uses no tokens and never touches the figures the relay keeps", async (t) => {
  const h = await startHarness(t, { scenario: withUsage({ "*": pro }) });
  const id = h.accountIds[0]!;
  await h.app.parts.quota.refresh();
  const stored = readFileSync(join(h.dataDir, QUOTA_FILE), "utf8");
  const kept = h.app.parts.quota.quotaOf(id);
  assert.equal(kept.figures?.apiPercentUsed, 62.5);

  // Cursor's figures move; the doctor sees them, the relay's stored ones stay as read.
  h.fake.setUsage("*", { ...pro, planUsage: { autoPercentUsed: 41, apiPercentUsed: 99 } });
  const callsBefore = h.fake.usageRequests.length;
  const { code, report } = await doctorJson(h);
  assert.equal(code, 0);
  assert.match(report.checks.find((c) => c.id === `usage:${id}`)!.detail, /Auto 41% used; API 99% used/);
  assert.equal(h.fake.usageRequests.length - callsBefore, 2, "GetCurrentPeriodUsage and GetPlanInfo, once each");
  assert.equal(report.selfTestTokens, 5, "only the self-test Run's tokens");
  assert.equal(readFileSync(join(h.dataDir, QUOTA_FILE), "utf8"), stored);
  assert.deepEqual(h.app.parts.quota.quotaOf(id), kept);
});
