import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RelayError } from "../../../app/base/errors.ts";
import { codexConfigPath, configureCodex, undoConfigureCodex } from "../../../app/relay/codex-config.ts";

const NOW = Date.UTC(2026, 10, 29, 8, 0, 0);
const OURS = [
  "[model_providers.cursor-relay]",
  'name = "Cursor Relay"',
  'base_url = "http://127.0.0.1:8787/v1"',
  'env_key = "CURSOR_RELAY_API_KEY"',
  'wire_api = "responses"',
].join("\n");

function home(t: { after(fn: () => void): void }, config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cr-codex-home-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  if (config !== undefined) {
    mkdirSync(join(dir, ".codex"));
    writeFileSync(codexConfigPath(dir), config);
  }
  return dir;
}
const read = (dir: string) => readFileSync(codexConfigPath(dir), "utf8");

test("no config yet: the provider and model_provider are written; undo removes the file again", (t) => {
  const dir = home(t);
  const res = configureCodex({ baseUrl: "http://127.0.0.1:8787/", now: NOW, home: dir });
  assert.equal(res.backupPath, null);
  assert.equal(read(dir), `model_provider = "cursor-relay"\n\n${OURS}\n`);
  undoConfigureCodex({ home: dir });
  assert.equal(existsSync(codexConfigPath(dir)), false);
  assert.deepEqual(readdirSync(join(dir, ".codex")), []);
});

test("an existing config keeps every other byte; a timestamped backup is made; undo restores it exactly", (t) => {
  const original = [
    "# my settings",
    'model = "gpt-5"',
    'model_provider = "openai"',
    "",
    "[model_providers.other]",
    'base_url = "http://x"',
    "",
    "[profiles.fast]",
    'model = "o4-mini"',
    "",
  ].join("\n");
  const dir = home(t, original);
  const res = configureCodex({ baseUrl: "http://127.0.0.1:8787", now: NOW, home: dir });
  assert.equal(res.backupPath, `${codexConfigPath(dir)}.cursor-relay-backup-2026-11-29T08-00-00-000Z`);
  assert.equal(readFileSync(res.backupPath!, "utf8"), original);
  assert.equal(read(dir), original.replace('model_provider = "openai"', 'model_provider = "cursor-relay"') + `\n${OURS}\n`);
  undoConfigureCodex({ home: dir });
  assert.equal(read(dir), original);
});

test("configuring twice then undoing restores what was there before the first time", (t) => {
  const original = 'model_provider = "openai"\n\n[model_providers.cursor-relay]\nname = "old"\nbase_url = "http://old/v1"\n\n[x]\ny = 1\n';
  const dir = home(t, original);
  configureCodex({ baseUrl: "http://127.0.0.1:1111", now: NOW, home: dir });
  configureCodex({ baseUrl: "http://127.0.0.1:8787", now: NOW + 1000, home: dir });
  assert.equal(read(dir), `model_provider = "cursor-relay"\n\n${OURS}\n\n[x]\ny = 1\n`);
  undoConfigureCodex({ home: dir });
  assert.equal(read(dir), original);
});

test("undo leaves alone what the user changed since, and keeps their other edits", (t) => {
  const dir = home(t, '[tui]\nnotifications = true\n');
  configureCodex({ baseUrl: "http://127.0.0.1:8787", now: NOW, home: dir });
  writeFileSync(codexConfigPath(dir), read(dir).replace('model_provider = "cursor-relay"', 'model_provider = "mine"') + '\n[extra]\nk = "v"\n');
  undoConfigureCodex({ home: dir });
  assert.equal(read(dir), 'model_provider = "mine"\n\n[tui]\nnotifications = true\n\n[extra]\nk = "v"\n');
});

test("undo with nothing to undo is a 404", (t) => {
  const dir = home(t);
  assert.throws(() => undoConfigureCodex({ home: dir }), (e: unknown) => e instanceof RelayError && e.status === 404 && /no Codex configuration to undo/.test(e.message));
});
