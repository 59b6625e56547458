import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../../app/cli/main.ts";
import { writeRuntimeInfo } from "../../../app/base/runtime-file.ts";

function capture(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env }, out, err };
}

const dataDir = (t: { after(fn: () => void): void }) => {
  const d = mkdtempSync(join(tmpdir(), "cr-cli-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

test("serve: bad port, host-less values, short keys and stray arguments are usage errors (exit 2)", async () => {
  for (const args of [["--port", "http"], ["--port", "70000"], ["--api-key", "short"], ["extra"], ["--log-level", "loud"], ["--bogus"]]) {
    const c = capture({});
    assert.equal(await main(["serve", ...args], c.io), 2, args.join(" "));
    assert.match(c.err.join("\n"), /usage: cursor-relay serve/);
  }
});

test("env: a first run creates the relay key; lines point at the default port, or at the running relay", async (t) => {
  const dir = dataDir(t);
  const env = { CURSOR_RELAY_DATA_DIR: dir, CURSOR_RELAY_SECRET_STORE: "file" };
  const a = capture(env);
  assert.equal(await main(["env"], a.io), 0, a.err.join("\n"));
  const key = /^export ANTHROPIC_AUTH_TOKEN=(sk-relay-\S+)$/m.exec(a.out.join("\n"))?.[1];
  assert.ok(key, a.out.join("\n"));
  assert.ok(a.out.includes("export ANTHROPIC_BASE_URL=http://127.0.0.1:8742"));
  assert.ok(a.out.includes("export OPENAI_BASE_URL=http://127.0.0.1:8742/v1"));
  assert.ok(a.out.includes(`export OPENAI_API_KEY=${key}`));
  assert.match(a.out[0]!, /no relay is running/);

  writeRuntimeInfo(dir, { pid: process.pid, url: "http://127.0.0.1:40001", port: 40001, startedAt: 1, keyEntry: "relay-key" });
  const b = capture(env);
  assert.equal(await main(["env", "--json"], b.io), 0);
  const json = JSON.parse(b.out[0]!) as { baseUrl: string; relayRunning: boolean; claudeCode: string[] };
  assert.equal(json.baseUrl, "http://127.0.0.1:40001");
  assert.equal(json.relayRunning, true);
  assert.equal(json.claudeCode[1], `export ANTHROPIC_AUTH_TOKEN=${key}`, "the same key on the second run");
});

test("env: the Codex CLI lines, as shell comments and in --json", async (t) => {
  const dir = dataDir(t);
  const env = { CURSOR_RELAY_DATA_DIR: dir, CURSOR_RELAY_SECRET_STORE: "file" };
  writeRuntimeInfo(dir, { pid: process.pid, url: "http://127.0.0.1:40001", port: 40001, startedAt: 1, keyEntry: "relay-key" });
  const a = capture(env);
  assert.equal(await main(["env"], a.io), 0, a.err.join("\n"));
  const key = /^export ANTHROPIC_AUTH_TOKEN=(sk-relay-\S+)$/m.exec(a.out.join("\n"))?.[1];
  assert.ok(a.out.includes(`export CURSOR_RELAY_API_KEY=${key}`), a.out.join("\n"));
  assert.ok(a.out.includes('#   base_url = "http://127.0.0.1:40001/v1"'), a.out.join("\n"));
  const b = capture(env);
  assert.equal(await main(["env", "--json"], b.io), 0);
  const json = JSON.parse(b.out[0]!) as { codex: { env: string[]; configToml: string[] } };
  assert.deepEqual(json.codex.env, [`export CURSOR_RELAY_API_KEY=${key}`]);
  assert.deepEqual(json.codex.configToml, [
    'model_provider = "cursor-relay"',
    "",
    "[model_providers.cursor-relay]",
    'name = "Cursor Relay"',
    'base_url = "http://127.0.0.1:40001/v1"',
    'env_key = "CURSOR_RELAY_API_KEY"',
    'wire_api = "responses"',
  ]);
});

test("serve: the setup hint names `npx cursor-relay env`, which works in a checkout after npm ci", async (t) => {
  const { serveCommand } = await import("../../../app/cli/serve.ts");
  const c = capture({});
  const code = await serveCommand(
    ["--port", "0", "--data-dir", dataDir(t), "--secret-store", "file", "--api-key", "serve-hint-test-key-0123456789", "--cursor-api", "http://127.0.0.1:9"],
    c.io,
    { until: Promise.resolve() },
  );
  assert.equal(code, 0, c.err.join("\n"));
  assert.ok(c.out.includes("Claude Code / OpenAI setup: run `npx cursor-relay env` (prints the lines to paste)"), c.out.join("\n"));
});

test("env: Gemini CLI lines (base URL without /v1, the key) and its settings.json, in text and --json", async (t) => {
  const dir = dataDir(t);
  const env = { CURSOR_RELAY_DATA_DIR: dir, CURSOR_RELAY_SECRET_STORE: "file", CURSOR_RELAY_API_KEY: "sk-relay-gemini-test-key" };
  const a = capture(env);
  assert.equal(await main(["env"], a.io), 0, a.err.join("\n"));
  assert.ok(a.out.includes("export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8742"), a.out.join("\n"));
  assert.ok(a.out.includes("export GEMINI_API_KEY=sk-relay-gemini-test-key"));
  const settingsAt = a.out.indexOf("# Gemini CLI: in ~/.gemini/settings.json");
  assert.ok(settingsAt > 0, a.out.join("\n"));
  const settings = a.out.slice(settingsAt + 1).map((l) => l.replace(/^#   /, "")).join("\n");
  assert.deepEqual(JSON.parse(settings), { security: { auth: { selectedType: "gemini-api-key" } } });
  const b = capture(env);
  assert.equal(await main(["env", "--json"], b.io), 0);
  const json = JSON.parse(b.out[0]!) as { geminiCli: { env: string[]; settings: unknown } };
  assert.deepEqual(json.geminiCli, {
    env: ["export GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8742", "export GEMINI_API_KEY=sk-relay-gemini-test-key"],
    settings: { security: { auth: { selectedType: "gemini-api-key" } } },
  });
});
