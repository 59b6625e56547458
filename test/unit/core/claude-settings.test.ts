import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { claudeSettingsPath, configureClaudeCode, undoConfigureClaudeCode } from "../../../app/core/claude-settings.ts";
import { isRelayError } from "../../../app/core/errors.ts";

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
