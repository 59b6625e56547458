// The dashboard's plan-usage meters in real Chromium against a real `cursor-relay serve`
// and the fake Cursor's usage figures: one account with its API pool used up (Cursor's
// message, on-demand spend), one with room, the reset date and countdown; the card's Refresh
// button moves a meter. Screenshots go to test-results/dashboard-quota/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { UsageSpec } from "../fake-cursor/index.ts";
import { dashboardUrlOf, ROOT } from "./cli-process.ts";
import { e2eWorkspace } from "./workspace.ts";
import { launchChromium } from "../support/chromium.ts";

const SHOTS = join(ROOT, "test-results", "dashboard-quota");
const SUBS = ["auth0|dash_quota_a", "auth0|dash_quota_b"];
const DAY = 86_400_000;

test("dashboard: cards show plan, Auto and API meters, on-demand spend, reset date + countdown and Cursor's message", async (t) => {
  const browser = await launchChromium(t);
  mkdirSync(SHOTS, { recursive: true });
  const resetsAt = Date.now() + 12 * DAY + 5 * 3_600_000;
  const usedUp: UsageSpec = {
    billingCycleEnd: String(resetsAt),
    planUsage: { autoPercentUsed: 49.3, apiPercentUsed: 100 },
    spendLimitUsage: { limitType: "user", individualLimit: 5000, individualRemaining: 0 },
    enabled: true,
    displayMessage: "You've hit your usage limit",
    planName: "Pro",
  };
  const roomy: UsageSpec = { billingCycleEnd: String(resetsAt + 3 * DAY), planUsage: { autoPercentUsed: 12, apiPercentUsed: 83 }, enabled: true, planName: "Pro+" };
  const w = await e2eWorkspace(t, {
    scenario: { turns: [[{ text: "ok" }, { turnEnded: true }]], login: { pendingPolls: 1, subs: SUBS }, usage: { [SUBS[0]!]: usedUp, [SUBS[1]!]: roomy } },
    labels: ["personal", "team"],
  });
  const { fake } = w;
  const served = await w.serve(["--port", "0", "--api-key", "sk-dashboard-quota-key"], 120_000);
  const dashboard = await dashboardUrlOf(served);
  const managementKey = /#key=(\S+)$/.exec(dashboard)![1]!;

  const page = await (await browser.newContext({ viewport: { width: 1180, height: 1000 } })).newPage();
  await page.goto(dashboard);
  const a = page.getByTestId("account-card-cursor.personal");
  const b = page.getByTestId("account-card-cursor.team");
  await a.locator('[data-testid="meter-api"][data-value="100"]').waitFor({ timeout: 20_000 });
  assert.equal(await a.getByTestId("quota-plan").textContent(), "Pro");
  assert.equal(await a.getByTestId("meter-auto").getAttribute("data-value"), "49.3");
  assert.match((await a.getByTestId("meter-api").getAttribute("class")) ?? "", /meter-full/);
  assert.equal(await a.getByTestId("quota-on-demand").textContent(), "On-demand: $50.00 of $50.00");
  assert.match((await a.getByTestId("quota-reset").textContent()) ?? "", /^Resets \w{3} \d{1,2}, 20\d\d \(in 1[23] days\)$/);
  assert.equal(await a.getByTestId("quota-message").textContent(), "“You've hit your usage limit”");
  await b.locator('[data-testid="meter-api"][data-value="83"]').waitFor();
  assert.match((await b.getByTestId("meter-api").getAttribute("class")) ?? "", /meter-high/);
  await page.getByTestId("account-card-cursor.personal").screenshot({ path: join(SHOTS, "01-used-up-card.png") });
  await page.screenshot({ path: join(SHOTS, "02-cards-with-meters.png"), fullPage: true });

  // The user renews: the card's Refresh button reads the figures again and the meter moves.
  fake.setUsage(SUBS[0]!, { ...usedUp, planUsage: { autoPercentUsed: 49.3, apiPercentUsed: 10 }, displayMessage: "" });
  const before = fake.usageRequests.length;
  await a.getByTestId("quota-refresh").click();
  await a.locator('[data-testid="meter-api"][data-value="10"]').waitFor();
  assert.equal(await a.getByTestId("quota-message").count(), 0);
  assert.ok(fake.usageRequests.slice(before).every((r) => r.sub === SUBS[0]), "only that account was read");
  // The same action over the management API (what `cursor-relay accounts --refresh` does without a relay).
  const res = await fetch(`${served.url}/v0/management/quota/refresh`, {
    method: "POST",
    headers: { authorization: `Bearer ${managementKey}`, "content-type": "application/json" },
    body: JSON.stringify({}),
  });
  assert.equal(res.status, 204, await res.text());
  await page.screenshot({ path: join(SHOTS, "03-after-refresh.png"), fullPage: true });
});
