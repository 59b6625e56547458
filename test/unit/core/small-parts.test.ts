import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createMemorySecretStore } from "../../../app/accounts/secret-store.ts";
import { clientSetup, setupBlocksAsShell } from "../../../app/relay/client-setup.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { writeFileAtomic, writeFileAtomicAsync } from "../../../app/base/json-file.ts";
import { ensureRelayKey, generateRelayKey, RELAY_KEY_PREFIX } from "../../../app/relay/relay-key.ts";
import { clearRuntimeInfo, readRuntimeInfo, writeRuntimeInfo } from "../../../app/base/runtime-file.ts";
import { createSnapshotPublisher } from "../../../app/relay/snapshot-publisher.ts";
import type { Snapshot } from "../../../app/base/control-api.ts";
import { createRequestStats } from "../../../app/gateway/request-stats.ts";
import { ManualClock } from "../../support/manual-clock.ts";

test("client setup lines: Claude Code and OpenAI (with /v1)", () => {
  const s = clientSetup("http://127.0.0.1:8742/", "sk-relay-x");
  assert.deepEqual(s.claudeCodeEnv, ["export ANTHROPIC_BASE_URL=http://127.0.0.1:8742", "export ANTHROPIC_AUTH_TOKEN=sk-relay-x"]);
  assert.deepEqual(s.openAiEnv, ["export OPENAI_BASE_URL=http://127.0.0.1:8742/v1", "export OPENAI_API_KEY=sk-relay-x"]);
  assert.equal(clientSetup("http://h:1", "<relay key>").claudeCodeEnv[1], "export ANTHROPIC_AUTH_TOKEN='<relay key>'", "odd values are quoted");
});

test("client setup blocks: every client in order, files apart from shell lines; as shell text the file lines are comments", () => {
  const s = clientSetup("http://127.0.0.1:8742", "sk-relay-x");
  assert.deepEqual(
    s.blocks.map((b) => [b.id, b.title, b.target]),
    [
      ["claude-code", "Claude Code", "shell"],
      ["openai", "OpenAI SDKs and other OpenAI-compatible clients", "shell"],
      ["codex", "Codex CLI", "shell"],
      ["codex-config", "Codex CLI: in ~/.codex/config.toml", "~/.codex/config.toml"],
      ["gemini-cli", "Gemini CLI", "shell"],
      ["gemini-settings", "Gemini CLI: in ~/.gemini/settings.json", "~/.gemini/settings.json"],
    ],
  );
  const lines = (id: string) => s.blocks.find((b) => b.id === id)?.lines;
  assert.deepEqual(lines("claude-code"), s.claudeCodeEnv);
  assert.deepEqual(lines("codex"), ["export CURSOR_RELAY_API_KEY=sk-relay-x"]);
  assert.deepEqual(lines("gemini-cli"), ["export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8742", "export GEMINI_API_KEY=sk-relay-x"]);
  assert.deepEqual(JSON.parse(lines("gemini-settings")!.join("\n")), { security: { auth: { selectedType: "gemini-api-key" } } });
  assert.deepEqual(setupBlocksAsShell(s.blocks.filter((b) => b.id.startsWith("codex"))), [
    "# Codex CLI",
    "export CURSOR_RELAY_API_KEY=sk-relay-x",
    "# Codex CLI: in ~/.codex/config.toml",
    '#   model_provider = "cursor-relay"',
    "#",
    "#   [model_providers.cursor-relay]",
    '#   name = "Cursor Relay"',
    '#   base_url = "http://127.0.0.1:8742/v1"',
    '#   env_key = "CURSOR_RELAY_API_KEY"',
    '#   wire_api = "responses"',
  ]);
  const shell = setupBlocksAsShell(s.blocks);
  assert.ok(
    shell.every((l) => l.startsWith("#") || /^export [A-Z_]+=\S+$/.test(l)),
    "eval-able: only comments and export lines",
  );
});

test("the relay key: generated once and kept; an explicit one wins and is not stored", async () => {
  const store = createMemorySecretStore();
  const k1 = await ensureRelayKey(store);
  assert.ok(k1.startsWith(RELAY_KEY_PREFIX) && k1.length > 30);
  assert.equal(await ensureRelayKey(store), k1);
  assert.equal(await ensureRelayKey(store, "explicit-key"), "explicit-key");
  assert.equal(await store.getRelayKey(), k1);
  assert.notEqual(generateRelayKey(), generateRelayKey());
});

test("runtime file: written, read back, ignored when its pid is dead, cleared only by its owner", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-rt-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(readRuntimeInfo(dir), null);
  writeRuntimeInfo(dir, { pid: process.pid, url: "http://127.0.0.1:1", port: 1, startedAt: 5, keyEntry: "relay-key" });
  assert.equal(readRuntimeInfo(dir)?.url, "http://127.0.0.1:1");
  clearRuntimeInfo(dir, process.pid + 1);
  assert.ok(readRuntimeInfo(dir), "another pid does not clear it");
  clearRuntimeInfo(dir, process.pid);
  assert.equal(readRuntimeInfo(dir), null);
  writeRuntimeInfo(dir, { pid: 2 ** 22 + 12345, url: "http://127.0.0.1:2", port: 2, startedAt: 5, keyEntry: "relay-key" });
  assert.equal(readRuntimeInfo(dir), null, "a dead relay's file is stale");
});

test("request stats: requests per minute and errors over 5 minutes, by the injected clock", () => {
  const clock = new ManualClock();
  const stats = createRequestStats(clock);
  for (let i = 0; i < 5; i++) stats.request();
  stats.error(429);
  stats.error(200);
  assert.equal(stats.requestsPerMinute(), 5);
  assert.equal(stats.errorsLast5Min(), 1);
  clock.advance(30_000);
  stats.request();
  assert.equal(stats.requestsPerMinute(), 6);
  clock.advance(45_000);
  assert.equal(stats.requestsPerMinute(), 1, "the first five are over a minute old");
  assert.equal(stats.errorsLast5Min(), 1);
  clock.advance(5 * 60_000);
  assert.equal(stats.errorsLast5Min(), 0);
  assert.equal(stats.requestsPerMinute(), 0);
  clock.advance(3 * 3600_000);
  stats.error(500);
  assert.equal(stats.errorsLast5Min(), 1, "a long gap wraps the ring cleanly");
});

test("snapshot publisher: many changes, at most one push per interval", () => {
  const clock = new ManualClock();
  let built = 0;
  const pub = createSnapshotPublisher({ clock, logger: silentLogger, intervalMs: 250, build: () => ({ version: ++built }) as unknown as Snapshot });
  const got: number[] = [];
  pub.changed(); // nobody listens: nothing is built
  assert.equal(built, 0);
  const off = pub.subscribe((s) => got.push(s.version));
  for (let i = 0; i < 100; i++) pub.changed();
  clock.advance(0);
  assert.deepEqual(got, [1]);
  for (let i = 0; i < 100; i++) pub.changed();
  clock.advance(100);
  assert.deepEqual(got, [1], "within the interval: held back");
  clock.advance(150);
  assert.deepEqual(got, [1, 2]);
  off();
  pub.changed();
  clock.advance(1000);
  assert.deepEqual(got, [1, 2]);
  pub.close();
});

test("model map from settings: valid entries kept, malformed ones skipped with a warning", async () => {
  const { createMemorySettingsStore } = await import("../../../app/accounts/settings-store.ts");
  const { readModelMap } = await import("../../../app/relay/model-map.ts");
  const settings = createMemorySettingsStore();
  const warnings: string[] = [];
  assert.deepEqual(readModelMap(settings, (m) => warnings.push(m)), {});
  settings.set("modelMap", { "claude-opus-*": "claude-4.5-opus", " gpt-5 ": "gpt-5-high", bad: 3, empty: " " });
  assert.deepEqual(readModelMap(settings, (m) => warnings.push(m)), { "claude-opus-*": "claude-4.5-opus", "gpt-5": "gpt-5-high" });
  assert.equal(warnings.length, 2);
  settings.set("modelMap", ["nope"]);
  assert.deepEqual(readModelMap(settings, (m) => warnings.push(m)), {});
  assert.equal(warnings.length, 3);
});

test("an atomic write that fails while writing leaves no temp file behind (sync and async)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-atomic-"));
  try {
    const notData = 42 as unknown as string; // makes the write itself throw, after the temp file exists
    assert.throws(() => writeFileAtomic(join(dir, "a.json"), notData));
    await assert.rejects(() => writeFileAtomicAsync(join(dir, "b.json"), notData));
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
