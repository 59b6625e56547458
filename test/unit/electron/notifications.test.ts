import { test } from "node:test";
import assert from "node:assert/strict";
import type { AccountView, Snapshot } from "../../../app/base/control-api.ts";
import { notificationsFor } from "../../../app/electron/notifications.ts";
import { sampleAccount } from "../gateway/memory-control.ts";

const NOW = Date.UTC(2026, 10, 24, 12);
const MIN = 60_000;
const snap = (accounts: AccountView[], version = 1): Snapshot => ({
  version,
  generatedAt: NOW,
  proxy: { running: true, address: "127.0.0.1:8742", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: NOW },
  accounts,
  logins: [],
});
const ready = (id: string) => sampleAccount({ id });
const cooling = (id: string, ms: number, reason = "Cursor said resource_exhausted") =>
  sampleAccount({ id, state: "cooling", cooldownUntil: NOW + ms, cooldownReason: reason, cooldownStatus: 429 });

test("an account entering cooldown is announced once, with when it is back", () => {
  const before = snap([ready("cursor.work"), ready("cursor.home")]);
  const after = snap([cooling("cursor.work", 12 * MIN), ready("cursor.home")], 2);
  assert.deepEqual(notificationsFor(before, after, NOW), [
    {
      kind: "cooldown",
      title: "Cursor work is cooling down",
      body: "Cursor said resource_exhausted; back in 12 min. Other accounts take over meanwhile.",
      accountId: "cursor.work",
    },
  ]);
  // Still cooling in the next snapshot: nothing new.
  assert.deepEqual(notificationsFor(after, snap([cooling("cursor.work", 11 * MIN), ready("cursor.home")], 3), NOW), []);
});

test("the last ready account going away says 'all exhausted' instead, with the soonest return", () => {
  const before = snap([cooling("cursor.work", 30 * MIN), ready("cursor.home")]);
  const after = snap([cooling("cursor.work", 30 * MIN), cooling("cursor.home", 5 * MIN)], 2);
  const notes = notificationsFor(before, after, NOW);
  assert.equal(notes.length, 1);
  assert.equal(notes[0]?.kind, "exhausted");
  assert.equal(notes[0]?.title, "All Cursor accounts are exhausted");
  assert.match(notes[0]?.body ?? "", /back in 5 min/);
  // Already exhausted: not repeated.
  assert.deepEqual(notificationsFor(after, snap([cooling("cursor.work", 29 * MIN), cooling("cursor.home", 4 * MIN)], 3), NOW), []);
  // Exhausted for another reason than quota.
  const expired = notificationsFor(snap([ready("cursor.a")]), snap([sampleAccount({ id: "cursor.a", state: "auth_expired" })], 2), NOW);
  assert.equal(expired[0]?.kind, "exhausted");
  assert.match(expired[0]?.body ?? "", /Open Cursor Relay/);
});

test("no notification on the first snapshot, for new accounts, recoveries or an empty list", () => {
  assert.deepEqual(notificationsFor(null, snap([cooling("cursor.a", MIN)]), NOW), []);
  assert.deepEqual(notificationsFor(snap([ready("cursor.a")]), snap([ready("cursor.a"), cooling("cursor.new", MIN)], 2), NOW), [], "an account that appears already cooling");
  assert.deepEqual(notificationsFor(snap([cooling("cursor.a", MIN), ready("cursor.b")]), snap([ready("cursor.a"), ready("cursor.b")], 2), NOW), []);
  assert.deepEqual(notificationsFor(snap([ready("cursor.a")]), snap([], 2), NOW), [], "removing the last account is not exhaustion news");
  // A cooldown whose end already passed is not news either.
  assert.deepEqual(notificationsFor(snap([ready("cursor.a"), ready("cursor.b")]), snap([cooling("cursor.a", -1), ready("cursor.b")], 2), NOW), []);
});
