import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { claudeSettingsPath, configureClaudeCode, undoConfigureClaudeCode } from "../../../app/relay/claude-settings.ts";
import { isRelayError } from "../../../app/base/errors.ts";
import { startHarness } from "../../support/relay-harness.ts";

const home = (t: { after(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-home-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const read = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;

test("configure keeps every other setting, backs the file up, and undo restores it byte for byte", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  mkdirSync(join(h, ".claude"));
  const original = '{\n  "model": "opus",\n  "env": { "FOO": "1", "ANTHROPIC_BASE_URL": "https://old" },\n  "permissions": { "allow": ["Bash"] }\n}\n';
  writeFileSync(path, original);
  const r = configureClaudeCode({ baseUrl: "http://127.0.0.1:8742", relayKey: "sk-relay-abc", now: Date.UTC(2026, 10, 25, 12), home: h });
  assert.equal(r.settingsPath, path);
  assert.match(r.backupPath!, /settings\.json\.cursor-relay-backup-2026-11-25T12-00-00-000Z$/);
  const now = read(path);
  assert.equal(now.model, "opus");
  assert.deepEqual(now.permissions, { allow: ["Bash"] });
  assert.deepEqual(now.env, { FOO: "1", ANTHROPIC_BASE_URL: "http://127.0.0.1:8742", ANTHROPIC_AUTH_TOKEN: "sk-relay-abc" });
  assert.equal(statSync(path).mode & 0o777, 0o600, "it now holds a key: owner-only");
  undoConfigureClaudeCode({ home: h });
  assert.equal(readFileSync(path, "utf8"), original);
  assert.deepEqual(readdirSync(join(h, ".claude")), ["settings.json"], "the backup is consumed");
});

test("with no settings file, undo removes the file configure created", (t) => {
  const h = home(t);
  configureClaudeCode({ baseUrl: "http://127.0.0.1:1", relayKey: "k", now: 1, home: h });
  assert.ok(existsSync(claudeSettingsPath(h)));
  undoConfigureClaudeCode({ home: h });
  assert.equal(existsSync(claudeSettingsPath(h)), false);
});

test("a settings file that is not JSON is left alone with a clear error; undo without a backup is a 404", (t) => {
  const h = home(t);
  mkdirSync(join(h, ".claude"));
  writeFileSync(claudeSettingsPath(h), "{ not json");
  assert.throws(
    () => configureClaudeCode({ baseUrl: "http://x", relayKey: "k", now: 1, home: h }),
    (e: unknown) => isRelayError(e) && e.status === 409 && /not valid JSON/.test(e.message),
  );
  assert.equal(readFileSync(claudeSettingsPath(h), "utf8"), "{ not json");
  assert.throws(() => undoConfigureClaudeCode({ home: h }), (e: unknown) => isRelayError(e) && e.status === 404);
});

const settingsText = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
const configure = (h: string, now: number, key = "sk-relay-k") => configureClaudeCode({ baseUrl: "http://127.0.0.1:8742", relayKey: key, now, home: h });

test("no file before; keys added by hand after Configure survive Undo (only Configure's keys go)", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  configure(h, 1);
  const edited = read(path);
  edited.permissions = { allow: ["Bash"] };
  edited.model = "opus";
  writeFileSync(path, settingsText(edited));
  undoConfigureClaudeCode({ home: h });
  assert.deepEqual(read(path), { permissions: { allow: ["Bash"] }, model: "opus" }, "env existed only for Configure, so it goes; the rest stays");
});

test("other env keys added after Configure stay; a key that was there before is restored, not removed", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  mkdirSync(join(h, ".claude"));
  writeFileSync(path, settingsText({ env: { ANTHROPIC_BASE_URL: "https://mine" } }));
  configure(h, 1);
  const edited = read(path);
  (edited.env as Record<string, unknown>).FOO = "bar";
  writeFileSync(path, settingsText(edited));
  undoConfigureClaudeCode({ home: h });
  assert.deepEqual(read(path), { env: { ANTHROPIC_BASE_URL: "https://mine", FOO: "bar" } });
});

test("two Configures then two Undos keep a hand-written file (and its later edits)", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  mkdirSync(join(h, ".claude"));
  const handWritten = settingsText({ model: "sonnet" });
  writeFileSync(path, handWritten);
  configure(h, 5);
  configure(h, 5, "sk-relay-second"); // same millisecond: still two ordered records
  assert.equal(readdirSync(join(h, ".claude")).filter((f) => f.includes("backup")).length, 2);
  undoConfigureClaudeCode({ home: h });
  assert.equal((read(path).env as Record<string, unknown>).ANTHROPIC_AUTH_TOKEN, "sk-relay-k", "first Undo goes back to the first Configure");
  undoConfigureClaudeCode({ home: h });
  assert.equal(readFileSync(path, "utf8"), handWritten, "the hand-written file is back byte for byte");

  configure(h, 9);
  configure(h, 10, "sk-relay-second");
  const edited = read(path);
  edited.permissions = { deny: ["Read"] };
  writeFileSync(path, settingsText(edited));
  undoConfigureClaudeCode({ home: h });
  undoConfigureClaudeCode({ home: h });
  assert.deepEqual(read(path), { model: "sonnet", permissions: { deny: ["Read"] } });
  assert.throws(() => undoConfigureClaudeCode({ home: h }), (e: unknown) => isRelayError(e) && e.status === 404);
});

test("Undo refuses, changing nothing, when Configure's keys were edited or the file removed since", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  configure(h, 1);
  const edited = read(path);
  (edited.env as Record<string, unknown>).ANTHROPIC_BASE_URL = "https://elsewhere";
  const text = settingsText(edited);
  writeFileSync(path, text);
  assert.throws(
    () => undoConfigureClaudeCode({ home: h }),
    (e: unknown) => isRelayError(e) && e.status === 409 && /ANTHROPIC_BASE_URL in .* was changed after Configure.*nothing was undone/.test(e.message),
  );
  assert.equal(readFileSync(path, "utf8"), text);
  assert.equal(readdirSync(join(h, ".claude")).filter((f) => f.includes("backup")).length, 1, "the record is kept");
  rmSync(path);
  assert.throws(() => undoConfigureClaudeCode({ home: h }), (e: unknown) => isRelayError(e) && e.status === 409 && /the file in .* was changed/.test(e.message));
  assert.equal(existsSync(path), false);
});

test("the record next to the file holds no relay key; an ephemeral port gets a warning", (t) => {
  const h = home(t);
  const r = configureClaudeCode({ baseUrl: "http://127.0.0.1:40123", relayKey: "sk-relay-secret-value", now: 1, home: h, ephemeralPort: true });
  assert.ok(!readFileSync(r.backupPath!, "utf8").includes("sk-relay-secret-value"));
  assert.match(r.warning ?? "", /ephemeral port \(http:\/\/127\.0\.0\.1:40123, from --port 0\).*fixed --port/);
  assert.equal(configure(h, 2).warning, undefined);
});

test("a record from an older version (the whole previous file) is undone key by key too", (t) => {
  const h = home(t);
  const path = claudeSettingsPath(h);
  mkdirSync(join(h, ".claude"));
  writeFileSync(`${path}.cursor-relay-backup-2026-01-01T00-00-00-000Z`, "(none)");
  writeFileSync(path, settingsText({ env: { ANTHROPIC_BASE_URL: "http://x", ANTHROPIC_AUTH_TOKEN: "k" }, model: "opus" }));
  undoConfigureClaudeCode({ home: h });
  assert.deepEqual(read(path), { model: "opus" });
});

test("a relay started with --port 0 warns, through the control API, that the written address will not survive a restart", async (t) => {
  const h = home(t);
  const relay = await startHarness(t, { relay: { home: h } });
  const r = await relay.app.control.configureClaudeCode();
  assert.match(r.warning ?? "", new RegExp(`ephemeral port \\(${relay.url.replace(/[.]/g, "\\.")}, from --port 0\\)`));
  assert.equal((read(claudeSettingsPath(h)).env as Record<string, unknown>).ANTHROPIC_BASE_URL, relay.url);
});
