// GetCurrentPeriodUsage / GetPlanInfo on the fake, read by the relay's usage client over
// real sockets: per-account answers by key precedence, per-Run increments, failures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../../app/base/clock.ts";
import { createUsageApi } from "../../../app/accounts/usage-api.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { startFakeCursor, USAGE_PATH, type Scenario } from "../../fake-cursor/index.ts";
import { parseScenario, ScenarioError } from "../../fake-cursor/scenario.ts";
import { RunClient } from "./run-client.ts";

async function openRun(url: string, token: string, options: { modelId: string }): Promise<void> {
  const run = new RunClient(url, { token, modelId: options.modelId });
  assert.equal(await run.finish(), null);
}

const scenario: Scenario = {
  turns: [[{ text: "ok" }, { turnEnded: true }]],
  usage: {
    "auth0|a": {
      billingCycleStart: "1786423807000",
      billingCycleEnd: "1789102207000",
      planUsage: { autoPercentUsed: 49.333, apiPercentUsed: 100, totalPercentUsed: 56.5 },
      spendLimitUsage: { limitType: "user", individualLimit: 5000, individualRemaining: 4700 },
      enabled: true,
      displayMessage: "You've hit your usage limit",
      planName: "Pro",
    },
    "@2": { planUsage: { autoPercentUsed: 1, apiPercentUsed: 2 }, planName: "Pro+" },
    "*": { planUsage: { autoPercentUsed: 0, apiPercentUsed: 20 }, perRun: { apiPercentUsed: 30, autoPercentUsed: 5 } },
  },
};

test("usage: the answer per account key (exact sub, @n, *) and GetPlanInfo's plan name", async (t) => {
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const api = createUsageApi({ cursorApi: fake.url, clock: systemClock });
  const a = await api.read(fake.mintAccessToken("auth0|a"));
  assert.deepEqual(a, {
    plan: "Pro",
    autoPercentUsed: 49.333,
    apiPercentUsed: 100,
    totalPercentUsed: 56.5,
    cycleStart: 1786423807000,
    cycleEnd: 1789102207000,
    onDemand: { limitCents: 5000, remainingCents: 4700 },
    displayMessage: "You've hit your usage limit",
    enabled: true,
  });
  const b = await api.read(fake.mintAccessToken("auth0|b")); // 2nd distinct sub seen → "@2"
  assert.equal(b.plan, "Pro+");
  assert.equal(b.apiPercentUsed, 2);
  const c = await api.read(fake.mintAccessToken("auth0|c"));
  assert.equal(c.plan, null);
  assert.equal(c.apiPercentUsed, 20);
  assert.equal(c.onDemand, null);
  const usageCalls = fake.usageRequests.filter((r) => r.path === USAGE_PATH);
  assert.deepEqual(usageCalls.map((r) => [r.sub, r.status]), [["auth0|a", 200], ["auth0|b", 200], ["auth0|c", 200]]);
  assert.equal(usageCalls[0]!.headers["connect-protocol-version"], "1");
});

test("usage: each Run adds its pool's per-Run percent (capped at 100) so meters move", async (t) => {
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const token = fake.mintAccessToken("auth0|c");
  const api = createUsageApi({ cursorApi: fake.url, clock: systemClock });
  await openRun(fake.url, token, { modelId: "claude-4.5-sonnet" });
  await openRun(fake.url, token, { modelId: "composer-2" });
  let figures = await api.read(token);
  assert.equal(figures.apiPercentUsed, 50);
  assert.equal(figures.autoPercentUsed, 5);
  for (let i = 0; i < 3; i++) await openRun(fake.url, token, { modelId: "gpt-5" });
  figures = await api.read(token);
  assert.equal(figures.apiPercentUsed, 100);
});

test("usage: 401 without a valid token or with fail:401; 500; an account without an entry is not tracked", async (t) => {
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const api = createUsageApi({ cursorApi: fake.url, clock: systemClock });
  await assert.rejects(api.read("not-a-jwt"), (e: unknown) => e instanceof RelayError && e.kind === "upstream_auth" && e.status === 401);
  fake.setUsage("auth0|a", { fail: 401 });
  await assert.rejects(api.read(fake.mintAccessToken("auth0|a")), (e: unknown) => e instanceof RelayError && e.kind === "upstream_auth");
  fake.setUsage("auth0|a", { fail: 500 });
  await assert.rejects(api.read(fake.mintAccessToken("auth0|a")), (e: unknown) => e instanceof RelayError && e.kind === "upstream_error" && /status 500/.test(e.message));
  fake.setScenario({ turns: [[{ text: "x" }]] });
  const untracked = await api.read(fake.mintAccessToken("auth0|a"));
  assert.equal(untracked.enabled, false);
  assert.equal(untracked.apiPercentUsed, null);
});

test("usage: a slow answer hits the client's timeout", async (t) => {
  const fake = await startFakeCursor({ scenario: { turns: [[{ text: "x" }]], usage: { "*": { delayMs: 400, planUsage: {} } } } });
  t.after(() => fake.close());
  const api = createUsageApi({ cursorApi: fake.url, clock: systemClock, timeoutMs: 50 });
  await assert.rejects(api.read(fake.mintAccessToken("auth0|a")), (e: unknown) => e instanceof RelayError && /no answer within 50 ms/.test(e.message));
});

test("usage scenario: a bad entry is a clear ScenarioError", () => {
  assert.throws(() => parseScenario({ turns: [[{ text: "x" }]], usage: { "*": { fail: "yes" } } }), ScenarioError);
  assert.throws(() => parseScenario({ turns: [[{ text: "x" }]], usage: { "*": { perRun: { apiPercentUsed: "5" } } } }), /perRun/);
  assert.throws(() => parseScenario({ turns: [[{ text: "x" }]], usage: [] }), /scenario.usage/);
});
