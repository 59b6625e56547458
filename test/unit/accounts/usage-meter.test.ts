import { test } from "node:test";
import assert from "node:assert/strict";
import { addUsage, emptyUsage, MINUTE_MS, tokensPerMinute, usageToday } from "../../../app/accounts/usage-meter.ts";
import { usageDayKey } from "../../../app/accounts/status-source.ts";

test("many deltas in one minute add up; buckets older than the hour are gone once a later minute starts", () => {
  const u = emptyUsage();
  const t0 = new Date(2026, 10, 24, 10, 0, 5).getTime();
  for (let i = 0; i < 1000; i++) addUsage(u, { output: 1 }, t0 + i);
  assert.equal(u.total.output, 1000);
  assert.equal(tokensPerMinute(u, t0).at(-1), 1000);
  addUsage(u, { input: 7 }, t0 + 61 * MINUTE_MS);
  assert.equal(u.minutes.size, 1, "the 10:00 bucket fell out of the last hour");
  assert.equal(u.total.input + u.total.output, 1007);
});

test("usage lands on the local day it happened, across midnight", () => {
  const u = emptyUsage();
  const beforeMidnight = new Date(2026, 10, 24, 23, 59, 59).getTime();
  const afterMidnight = new Date(2026, 10, 25, 0, 0, 1).getTime();
  addUsage(u, { output: 3 }, beforeMidnight);
  addUsage(u, { output: 4 }, afterMidnight);
  assert.equal(u.days[usageDayKey(beforeMidnight)]?.output, 3);
  assert.equal(u.days[usageDayKey(afterMidnight)]?.output, 4);
  assert.equal(usageToday(u, afterMidnight).output, 4);
});

test("nothing to add: false, nothing changes", () => {
  const u = emptyUsage();
  assert.equal(addUsage(u, { output: 0, input: -3 }, Date.now()), false);
  assert.deepEqual(u.days, {});
  assert.equal(u.minutes.size, 0);
});
