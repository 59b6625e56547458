// 80 % and 100 % of a pool are announced once per billing cycle; a pool used up on every
// account once until it has room again; nothing for the first snapshot.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AccountView, QuotaView, Snapshot } from "../../../app/base/control-api.ts";
import { createQuotaNotifier } from "../../../app/electron/quota-notifications.ts";
import { sampleAccount } from "../gateway/memory-control.ts";

const NOW = Date.UTC(2026, 10, 24, 12);
const CYCLE = Date.UTC(2026, 11, 24);
const q = (api: number, auto = 0, resetsAt = CYCLE): QuotaView => ({
  plan: "Pro",
  autoPercentUsed: auto,
  apiPercentUsed: api,
  onDemand: null,
  resetsAt,
  displayMessage: null,
  tracked: true,
  readAt: NOW,
  readError: null,
});
const snap = (accounts: AccountView[]): Snapshot => ({
  version: 1,
  generatedAt: NOW,
  proxy: { running: true, address: "127.0.0.1:8742", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: NOW },
  accounts,
  logins: [],
});
const acc = (id: string, quota: QuotaView) => sampleAccount({ id, displayLabel: `Cursor ${id}`, quota });
const kinds = (n: { kind: string; accountId: string | null }[]) => n.map((x) => `${x.kind}:${x.accountId}`);

test("quota notices: 80 % once, 100 % once, again only in a new cycle; the first snapshot is the baseline", () => {
  const notifier = createQuotaNotifier();
  assert.deepEqual(notifier.noticesFor(snap([acc("a", q(85)), acc("b", q(10))])), [], "baseline: already at 85 %");
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(90)), acc("b", q(81))]))), ["quota_80:b"]);
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(90)), acc("b", q(79))]))), []);
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(90)), acc("b", q(82))]))), [], "no second 80 % in the same cycle");
  const hundred = notifier.noticesFor(snap([acc("a", q(100)), acc("b", q(82))]));
  assert.deepEqual(kinds(hundred), ["quota_100:a"]);
  assert.equal(hundred[0]!.title, "Cursor a: API usage used up");
  assert.match(hundred[0]!.body, /resets 2026-12-24/);
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(100)), acc("b", q(82))]))), []);
  const next = Date.UTC(2027, 0, 24);
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(100, 0, next)), acc("b", q(5, 0, next))]))), ["quota_100:a"], "a new cycle");
});

test("quota notices: a pool used up on every account, once until it has room again", () => {
  const notifier = createQuotaNotifier();
  notifier.noticesFor(snap([acc("a", q(100)), acc("b", q(50))]));
  const all = notifier.noticesFor(snap([acc("a", q(100)), acc("b", q(100, 20, CYCLE - 86_400_000))]));
  assert.deepEqual(kinds(all), ["quota_100:b", "pool_used_up:null"]);
  assert.equal(all[1]!.title, "API usage used up on every account");
  assert.match(all[1]!.body, /first account resets 2026-12-23/);
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(100)), acc("b", q(100, 20, CYCLE - 86_400_000))]))), []);
});

const onDemand = (api: number, limitCents: number, spentCents: number): QuotaView => ({ ...q(api), onDemand: { limitCents, spentCents } });

test("quota notices: 100 % with on-demand room left is served, so no 'used up' notice, only the percentage", () => {
  const notifier = createQuotaNotifier();
  notifier.noticesFor(snap([acc("a", q(50)), acc("b", q(50))]));
  const notices = notifier.noticesFor(snap([acc("a", onDemand(100, 5000, 1234)), acc("b", onDemand(100, 5000, 0))]));
  assert.deepEqual(kinds(notices), ["quota_80:a", "quota_80:b"], "no quota_100, no pool_used_up while on-demand spend covers requests");
  assert.equal(notices[0]!.title, "Cursor a: 100% of API usage used");
  assert.match(notices[0]!.body, /Requests go on as on-demand spend: \$12\.34 of \$50\.00 so far\./);
  assert.doesNotMatch(notices.map((n) => `${n.title} ${n.body}`).join("\n"), /used up|refused/);
});

test("quota notices: 100 % with no on-demand room left is used up; on every account, requests are refused", () => {
  const notifier = createQuotaNotifier();
  notifier.noticesFor(snap([acc("a", onDemand(100, 5000, 1000)), acc("b", q(50))]));
  const spent = notifier.noticesFor(snap([acc("a", onDemand(100, 5000, 5000)), acc("b", q(100))]));
  assert.deepEqual(kinds(spent), ["quota_100:a", "quota_100:b", "pool_used_up:null"]);
  assert.equal(spent[0]!.title, "Cursor a: API usage used up");
  assert.equal(spent[2]!.title, "API usage used up on every account");
  assert.match(spent[2]!.body, /^Requests for Claude, GPT, Gemini models are refused\./);
});

test("quota notices: figures of a billing cycle that already ended are stale, never 'used up'", () => {
  const notifier = createQuotaNotifier();
  notifier.noticesFor(snap([acc("a", q(50, 0, NOW - 1))]));
  assert.deepEqual(kinds(notifier.noticesFor(snap([acc("a", q(100, 0, NOW - 1))]))), ["quota_80:a"]);
});
