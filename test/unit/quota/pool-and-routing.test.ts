// Pool classification, the "used up" rule, and the rotation's pick with a quota gate
// (skip used-up accounts, most headroom first, a conversation's account first, round-robin
// as a setting), plus cooldowns handed over to the figures — all on a ManualClock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQuotaRouting } from "../../../app/accounts/quota-routing.ts";
import { followQuotaCooldowns } from "../../../app/accounts/quota-cooldowns.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { EMPTY_QUOTA, headroom, poolOfModel, poolUsedUp, type AccountQuota, type QuotaFigures } from "../../../app/base/quota.ts";
import type { RoutingPolicyName } from "../../../app/base/quota.ts";
import { makeRig, rateLimited, upstream } from "../accounts/rotation-helpers.ts";
import { quotaFigures } from "../../support/quota-figures.ts";

const DAY = 86_400_000;

const figures = (api: number | null, auto: number | null, cycleEnd: number | null, over: Partial<QuotaFigures> = {}): QuotaFigures =>
  quotaFigures({ autoPercentUsed: auto, apiPercentUsed: api, cycleEnd, ...over });

test("pool of a model: auto and composer-* are Auto; Claude, GPT, Gemini and the rest are API", () => {
  for (const m of ["auto", "AUTO", "default", "composer", "composer-2", "composer-1.5"]) assert.equal(poolOfModel(m), "auto", m);
  for (const m of ["claude-4.5-sonnet", "claude-opus-4-8", "gpt-5", "gemini-2.5-pro", "cursor-small", "composerish", "o3"]) assert.equal(poolOfModel(m), "api", m);
});

test("used up: 100% with no on-demand room; unknown, untracked or past the cycle end is not used up", () => {
  const now = Date.UTC(2026, 10, 24);
  assert.equal(poolUsedUp(figures(100, 10, now + DAY), "api", now), true);
  assert.equal(poolUsedUp(figures(100, 10, now + DAY), "auto", now), false);
  assert.equal(poolUsedUp(figures(99.9, 10, now + DAY), "api", now), false);
  assert.equal(poolUsedUp(figures(100, 10, now + DAY, { onDemand: { limitCents: 5000, remainingCents: 300 } }), "api", now), false, "on-demand room");
  assert.equal(poolUsedUp(figures(100, 10, now + DAY, { onDemand: { limitCents: 5000, remainingCents: 0 } }), "api", now), true, "on-demand spent");
  assert.equal(poolUsedUp(figures(100, 10, now), "api", now), false, "the cycle ended");
  assert.equal(poolUsedUp(figures(100, 10, null), "api", now), true, "no cycle end given");
  assert.equal(poolUsedUp(figures(null, 10, now + DAY), "api", now), false);
  assert.equal(poolUsedUp(figures(100, 10, now + DAY, { enabled: false }), "api", now), false);
  assert.equal(poolUsedUp(null, "api", now), false);
  assert.equal(headroom(figures(30, 10, now + DAY), "api", now), 70);
  assert.equal(headroom(null, "api", now), 100);
});

function routingRig(t: Parameters<typeof makeRig>[0], policy: RoutingPolicyName = "headroom") {
  const rig = makeRig(t);
  const quotas = new Map<string, AccountQuota>();
  const listeners = new Set<(id: string) => void>();
  const quota = {
    quotaOf: (id: string) => quotas.get(id) ?? EMPTY_QUOTA,
    onChange: (l: (id: string) => void) => (listeners.add(l), () => listeners.delete(l)),
  };
  const set = (id: string, f: QuotaFigures | null) => {
    quotas.set(id, { figures: f, readAt: rig.clock.now(), readError: null, readErrorAt: null, usedUpSince: {} });
    for (const l of listeners) l(id);
  };
  const routing = createQuotaRouting({ quota, clock: rig.clock, policy: () => policy });
  return { rig, set, routing, quota };
}

test("pick: an account with the model's pool used up is skipped; the other pool still picks it", async (t) => {
  const { rig, set, routing } = routingRig(t);
  const a = await rig.add("auth0|a");
  const b = await rig.add("auth0|b");
  const { rotation } = rig.open();
  const end = rig.clock.now() + 10 * DAY;
  set(a, figures(100, 0, end));
  set(b, figures(20, 50, end + DAY));
  for (let i = 0; i < 5; i++) assert.equal(rotation.pick({ quota: routing.gateFor("claude-4.5-sonnet") }), b);
  assert.equal(rotation.pick({ quota: routing.gateFor("auto") }), a, "most Auto headroom");
  rig.clock.advance(10 * DAY);
  assert.equal(rotation.pick({ quota: routing.gateFor("claude-4.5-sonnet") }), a, "A's cycle is over: its figures are stale, full headroom assumed");
});

test("pick: most headroom first, ties round-robin; a conversation's account first while it has room; round-robin as a setting", async (t) => {
  const { rig, set, routing } = routingRig(t);
  const a = await rig.add("auth0|a");
  const b = await rig.add("auth0|b");
  const c = await rig.add("auth0|c");
  const { rotation } = rig.open();
  const end = rig.clock.now() + DAY;
  set(a, figures(70, 0, end));
  set(b, figures(10, 0, end));
  set(c, figures(10, 0, end));
  const gate = () => routing.gateFor("gpt-5");
  const picks = [0, 1, 2, 3].map(() => rotation.pick({ quota: gate() }));
  assert.deepEqual(picks, [b, c, b, c], "B and C tie on headroom and alternate; A has less");
  assert.equal(rotation.pick({ quota: gate(), prefer: a }), a, "the conversation stays on A");
  set(a, figures(100, 0, end));
  assert.notEqual(rotation.pick({ quota: gate(), prefer: a }), a, "…until its pool is used up");

  const rr = routingRig(t, "round-robin");
  const x = await rr.rig.add("auth0|x");
  const y = await rr.rig.add("auth0|y");
  const opened = rr.rig.open();
  rr.set(x, figures(90, 0, end));
  rr.set(y, figures(0, 0, end));
  const rrGate = () => rr.routing.gateFor("gpt-5");
  const rrPicks = [0, 1, 2].map(() => opened.rotation.pick({ quota: rrGate() }));
  assert.deepEqual(new Set(rrPicks.slice(0, 2)), new Set([x, y]), "round-robin ignores headroom");
  assert.equal(rrPicks[2], rrPicks[0]);
});

test("pick: the pool used up on every account → 429 naming it with the time to the first reset; mixed with a stall → 503 naming both", async (t) => {
  const { rig, set, routing } = routingRig(t);
  const a = await rig.add("auth0|a");
  const b = await rig.add("auth0|b");
  const { rotation } = rig.open();
  const now = rig.clock.now();
  set(a, figures(100, 20, now + 2 * DAY, { displayMessage: "You've hit your usage limit" }));
  set(b, figures(100, 20, now + DAY));
  assert.throws(
    () => rotation.pick({ quota: routing.gateFor("claude-4.5-sonnet") }),
    (e: unknown) =>
      e instanceof RelayError &&
      e.status === 429 &&
      e.retryAfterMs === DAY &&
      e.retryable === false &&
      /API pool .* used up on every Cursor account/.test(e.message) &&
      /`auto` and `composer-\*` models would be served/.test(e.message) &&
      /You've hit your usage limit/.test(e.message),
  );
  set(a, figures(0, 20, now + 2 * DAY));
  rotation.reportFailure(a, upstream("upstream_unavailable", 503, { message: "stalled: no frame for 90 s" }));
  assert.throws(
    () => rotation.pick({ quota: routing.gateFor("claude-4.5-sonnet") }),
    (e: unknown) => e instanceof RelayError && e.status === 503 && /has its API pool used up/.test(e.message) && /cooling down/.test(e.message),
  );
});

test("cooldowns: a quota cooldown hands over to figures that show the pool used up, and ends on a reading with room", async (t) => {
  const { rig, set, quota } = routingRig(t);
  const a = await rig.add("auth0|a");
  const { rotation } = rig.open();
  const stop = followQuotaCooldowns({ quota, rotation, clock: rig.clock, accountIds: () => [a] });
  t.after(stop);
  const end = rig.clock.now() + DAY;
  set(a, figures(95, 0, end));
  rotation.reportFailure(a, rateLimited());
  assert.equal(rotation.stateOf(a), "cooling");
  rig.clock.advance(1000);
  set(a, figures(95, 0, end));
  assert.equal(rotation.stateOf(a), "cooling", "figures with room that never showed it used up: the backoff stays");
  rig.clock.advance(1000);
  set(a, figures(100, 0, end));
  assert.equal(rotation.stateOf(a), "ready", "figures show the pool used up: they govern now");
  rotation.reportFailure(a, rateLimited()); // e.g. an older request's failure
  rig.clock.advance(1000);
  set(a, figures(5, 0, end));
  assert.equal(rotation.stateOf(a), "ready", "a reading with room again ends the cooldown");
});
