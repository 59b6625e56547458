import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemorySettingsStore } from "../../../app/accounts/settings-store.ts";
import { readCursorTuning } from "../../../app/relay/cursor-tuning.ts";

function read(section: unknown, env: NodeJS.ProcessEnv = {}) {
  const settings = createMemorySettingsStore();
  if (section !== undefined) settings.set("cursor", section);
  const warnings: string[] = [];
  return { tuning: readCursorTuning(settings, env, (m) => warnings.push(m)), warnings };
}

test("nothing set: no overrides (the client's defaults apply: 90 s stall, no heartbeats-only limit)", () => {
  assert.deepEqual(read(undefined), { tuning: {}, warnings: [] });
});

test("settings.json values in seconds; the environment wins over them", () => {
  const { tuning, warnings } = read(
    { clientVersion: "cli-2026.05.01-abcdef0", stallTimeoutSeconds: 120, heartbeatOnlyTimeoutSeconds: 900 },
    { CURSOR_RELAY_CLIENT_VERSION: "cli-2026.06.02-1234567", CURSOR_RELAY_STALL_TIMEOUT_SECONDS: "2.5" },
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(tuning, { clientVersion: "cli-2026.06.02-1234567", stallTimeoutMs: 2500, progressTimeoutMs: 900_000 });
});

test("heartbeats-only limit 0 = off, also over a settings value", () => {
  assert.deepEqual(read({ heartbeatOnlyTimeoutSeconds: 600 }, { CURSOR_RELAY_HEARTBEAT_ONLY_TIMEOUT_SECONDS: "0" }).tuning, {});
});

test("malformed values are named and ignored; an unusual client version is sent with a warning", () => {
  const { tuning, warnings } = read({ stallTimeoutSeconds: 0, heartbeatOnlyTimeoutSeconds: "soon", clientVersion: "cli 1", colour: 1 }, { CURSOR_RELAY_CLIENT_VERSION: "cli-2027.1" });
  assert.deepEqual(tuning, { clientVersion: "cli-2027.1" });
  assert.equal(warnings.length, 5, warnings.join("\n"));
  assert.ok(warnings.some((w) => w.includes('"cursor.colour" is not a known setting')));
  assert.ok(warnings.some((w) => w.includes('"cursor.stallTimeoutSeconds" must be a number of seconds above 0')));
  assert.ok(warnings.some((w) => w.includes('"cursor.heartbeatOnlyTimeoutSeconds" must be a number of seconds (0 = off)')));
  assert.ok(warnings.some((w) => w.includes('"cursor.clientVersion" must be a client version')));
  assert.ok(warnings.some((w) => w.includes('CURSOR_RELAY_CLIENT_VERSION "cli-2027.1" does not look like')));
  assert.deepEqual(read("fast").warnings, ['settings.json: "cursor" must be an object; ignoring it']);
});
