// Routing with Cursor's usage figures, over real sockets against the fake: an account whose
// pool is used up opens no Run for that pool, the other pool still uses it, a reading with
// room brings it back without a reset or restart, and so does the end of the billing cycle.
// Time is injected: the relay's clock reads Date.now() plus an offset the test moves.
import { test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { systemClock, type Clock } from "../../../app/base/clock.ts";
import type { UsageSpec } from "../../fake-cursor/index.ts";
import { startHarness, type Harness } from "../../support/relay-harness.ts";
import { until } from "../../support/until.ts";

const HOUR = 3_600_000;

const POLL_MS = 300_000; // the default interval; random() = 0.5 puts the jitter at 0

/**
 * Date.now() plus an offset the test moves; timers run on real time, except the usage
 * poller's (exactly POLL_MS), which the test fires itself: "the next poll".
 */
function shiftedClock(): Clock & { shift(ms: number): void; nextPoll(): Promise<void> } {
  let offset = 0;
  const polls: (() => void)[] = [];
  return {
    ...systemClock,
    now: () => Date.now() + offset,
    shift: (ms) => (offset += ms),
    setTimeout(fn, ms) {
      if (ms !== POLL_MS) return systemClock.setTimeout(fn, ms);
      polls.push(fn);
      return {
        cancel: () => {
          const i = polls.indexOf(fn);
          if (i >= 0) polls.splice(i, 1);
        },
      };
    },
    async nextPoll() {
      await until("a usage poll to be scheduled", () => polls.length > 0);
      const fn = polls.shift();
      assert.ok(fn, "a usage poll is scheduled");
      fn();
    },
  };
}

const usage = (apiPercentUsed: number, autoPercentUsed: number, cycleEnd: number, extra: Partial<UsageSpec> = {}): UsageSpec => ({
  billingCycleEnd: String(cycleEnd),
  planUsage: { apiPercentUsed, autoPercentUsed },
  enabled: true,
  planName: "Pro",
  ...extra,
});

let asked = 0;
/** A new conversation each time (a conversation stays on its account; these test the pick). */
async function ask(h: Harness, model: string): Promise<void> {
  const reply = await h.anthropic().messages.create({ model, max_tokens: 100, messages: [{ role: "user", content: `question ${++asked}` }] });
  assert.equal(reply.type, "message");
}
const runsOn = (h: Harness, i: number, from = 0) => h.fake.runs.slice(from).filter((r) => r.sub === h.subs[i]);

test("routing: API used up on A, 20% on B → Claude requests open zero Runs on A; auto still uses A; a reading with room brings A back", async (t) => {
  const clock = shiftedClock();
  const h = await startHarness(t, { accounts: ["a", "b"], relay: { clock, quota: { random: () => 0.5 } } });
  const cycleEnd = Date.now() + 10 * 24 * HOUR;
  h.fake.setUsage(h.subs[0]!, usage(100, 0, cycleEnd, { displayMessage: "You've hit your usage limit" }));
  h.fake.setUsage(h.subs[1]!, usage(20, 50, cycleEnd));
  await h.app.control.refreshQuota(null);

  for (let i = 0; i < 4; i++) await ask(h, "claude-4.5-sonnet");
  assert.equal(runsOn(h, 0).length, 0, "no Run on the used-up account");
  assert.equal(runsOn(h, 1).length, 4);

  // `auto` draws from the Auto pool, where A has the most headroom.
  const before = h.fake.runs.length;
  await ask(h, "auto");
  assert.equal(runsOn(h, 0, before).length, 1, "auto is served by A");

  // The next scheduled poll shows room: A serves Claude again (most headroom) with no reset or restart.
  h.fake.setUsage(h.subs[0]!, usage(10, 0, cycleEnd));
  const polled = h.fake.usageRequests.length;
  await clock.nextPoll();
  await until("the polled figures (10% API used)", () => h.app.parts.quota.quotaOf(h.accountIds[0]!).figures?.apiPercentUsed === 10);
  assert.ok(h.fake.usageRequests.length >= polled + 2, "the poll read the figures from Cursor");
  const later = h.fake.runs.length;
  await ask(h, "claude-4.5-sonnet");
  assert.equal(runsOn(h, 0, later).length, 1, "A serves again after the reading with room");
  await h.fake.waitForIdle();
});

test("routing: once the billing cycle ends A serves again, even before a new reading", async (t) => {
  const clock = shiftedClock();
  const h = await startHarness(t, { accounts: ["a", "b"], relay: { clock } });
  // (shorter than the fake's token lifetime, so moving the clock past it expires no login)
  const cycleEnd = Date.now() + 20 * 60_000;
  h.fake.setUsage(h.subs[0]!, usage(100, 100, cycleEnd));
  h.fake.setUsage(h.subs[1]!, usage(100, 100, cycleEnd + 24 * HOUR));
  await h.app.control.refreshQuota(null);
  await assert.rejects(ask(h, "claude-4.5-sonnet"), (e: unknown) => e instanceof Anthropic.APIError && e.status === 429);
  assert.equal(h.fake.runs.length, 0);
  clock.shift(20 * 60_000 + 1000);
  await ask(h, "claude-4.5-sonnet");
  assert.equal(runsOn(h, 0).length, 1, "A's cycle ended: it is tried again");
  await h.fake.waitForIdle();
});

test("routing: the pool used up everywhere → 429 naming the pool, since when and the first reset; retry-after is the real wait; the other pool is named", async (t) => {
  const clock = shiftedClock();
  const h = await startHarness(t, { accounts: ["a", "b"], relay: { clock } });
  const firstReset = Date.now() + 3 * HOUR;
  h.fake.setUsage(h.subs[0]!, usage(100, 30, firstReset, { displayMessage: "You've hit your usage limit" }));
  h.fake.setUsage(h.subs[1]!, usage(100, 90, firstReset + 24 * HOUR));
  await h.app.control.refreshQuota(null);
  const err = await ask(h, "claude-4.5-sonnet").then(
    () => assert.fail("expected a 429"),
    (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
  );
  assert.ok(err instanceof Anthropic.APIError);
  assert.equal(err.status, 429);
  assert.match(err.message, /API pool .* is used up on every Cursor account since \d{4}-\d\d-\d\dT/);
  assert.match(err.message, new RegExp(`first account resets at ${new Date(firstReset).toISOString().slice(0, 16)}`));
  assert.match(err.message, /`auto` and `composer-\*` models would be served/);
  assert.match(err.message, /You've hit your usage limit/);
  const retryAfter = Number(err.headers?.get("retry-after"));
  assert.ok(Math.abs(retryAfter - 3 * 3600) <= 60, `retry-after ${retryAfter}`);
  assert.equal(err.headers?.get("x-should-retry"), "false");
  assert.equal(h.fake.runs.length, 0, "no Run was opened");
  await ask(h, "auto"); // the Auto pool still has room
});

test("cooldowns: a quota failure on A, then figures that show the pool used up → A still serves auto; a reading with room ends it", async (t) => {
  const clock = shiftedClock();
  const h = await startHarness(t, {
    accounts: ["a", "b"],
    relay: { clock },
    scenario: { accounts: { "@1": [[{ fail: "resource_exhausted", message: "You've hit your usage limit" }], [{ text: "auto ok" }, { turnEnded: true }]], "*": [[{ text: "ok" }, { turnEnded: true }]] } },
  });
  const cycleEnd = Date.now() + 5 * 24 * HOUR;
  h.fake.setUsage(h.subs[0]!, usage(50, 0, cycleEnd));
  h.fake.setUsage(h.subs[1]!, usage(90, 50, cycleEnd));
  await h.app.control.refreshQuota(null);
  // A has the most API headroom: the first Claude request lands there, fails on quota, goes to B.
  await ask(h, "claude-4.5-sonnet");
  assert.equal(h.fake.runs[0]!.sub, h.subs[0]);
  const a = h.accountIds[0]!;
  assert.equal(h.app.parts.rotation.view(a).cooldownStatus, 429);

  h.fake.setUsage(h.subs[0]!, usage(100, 0, cycleEnd));
  await h.app.control.refreshQuota(a);
  assert.equal(h.app.parts.rotation.view(a).state, "ready", "the figures took over from the backoff");
  const before = h.fake.runs.length;
  await ask(h, "claude-4.5-sonnet");
  assert.equal(runsOn(h, 0, before).length, 0, "API requests skip A");
  await ask(h, "auto");
  assert.equal(runsOn(h, 0, before).length, 1, "auto requests still use A");

  h.fake.setUsage(h.subs[0]!, usage(0, 0, cycleEnd));
  await h.app.control.refreshQuota(a);
  const after = h.fake.runs.length;
  await ask(h, "claude-4.5-sonnet");
  assert.equal(runsOn(h, 0, after).length, 1, "room again: A serves Claude");
  await h.fake.waitForIdle();
});

test("a resource_exhausted on A asks Cursor for A's figures right after (no wait for the next poll)", async (t) => {
  const h = await startHarness(t, {
    accounts: ["a", "b"],
    scenario: { accounts: { "@1": [[{ fail: "resource_exhausted", message: "You've hit your usage limit" }]], "*": [[{ text: "ok" }, { turnEnded: true }]] } },
  });
  const cycleEnd = Date.now() + 5 * 24 * HOUR;
  h.fake.setUsage(h.subs[0]!, usage(50, 0, cycleEnd));
  h.fake.setUsage(h.subs[1]!, usage(90, 0, cycleEnd));
  await h.app.control.refreshQuota(null);
  const a = h.accountIds[0]!;
  const readAt = h.app.parts.quota.quotaOf(a).readAt;
  h.fake.setUsage(h.subs[0]!, usage(100, 0, cycleEnd));
  await ask(h, "claude-4.5-sonnet"); // fails on A (most headroom), served by B
  assert.equal(h.fake.runs[0]!.sub, h.subs[0]);
  await until("A's figures read again after the failure", () => h.app.parts.quota.quotaOf(a).readAt !== readAt, 15_000);
  assert.equal(h.app.parts.quota.quotaOf(a).figures?.apiPercentUsed, 100, "A's figures were read again after the failure");
  assert.equal(h.app.parts.rotation.stateOf(a), "ready", "the figures took over from the backoff: A still serves the Auto pool");
  await ask(h, "claude-4.5-sonnet");
  assert.equal(h.fake.runs.filter((r) => r.sub === h.subs[0]).length, 1, "no second Run on A for the API pool");
});
