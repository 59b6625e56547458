import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemorySettingsStore } from "../../../app/accounts/settings-store.ts";
import { readQuotaSettings } from "../../../app/relay/quota-settings.ts";

function read(section: unknown) {
  const settings = createMemorySettingsStore();
  if (section !== undefined) settings.set("quota", section);
  const warnings: string[] = [];
  return { quota: readQuotaSettings(settings, (m) => warnings.push(m)), warnings };
}

test("quota settings: absent is the default, no warning", () => {
  assert.deepEqual(read(undefined), { quota: { routing: "headroom" }, warnings: [] });
});

test("quota settings: good values are read; a section that is not an object, an unknown key and a bad value are named and ignored", () => {
  assert.deepEqual(read({ pollMinutes: 2, routing: "round-robin" }), { quota: { pollMs: 120_000, routing: "round-robin" }, warnings: [] });
  assert.deepEqual(read([1]), { quota: { routing: "headroom" }, warnings: ['settings.json: "quota" must be an object; ignoring it'] });
  const { quota, warnings } = read({ pollMinutes: 0.5, routing: "random", colour: 1 });
  assert.deepEqual(quota, { routing: "headroom" });
  assert.equal(warnings.length, 3);
  assert.equal(warnings[0], 'settings.json: "quota.colour" is not a known setting; ignoring it');
  assert.ok(warnings[1]!.includes('"quota.pollMinutes" must be a number of minutes'));
  assert.ok(warnings[2]!.includes('"quota.routing" must be "headroom" or "round-robin"'));
});
