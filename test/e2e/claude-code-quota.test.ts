// The real Claude Code CLI against `cursor-relay serve` with two accounts whose usage
// figures the fake Cursor serves: with A's API pool used up the turn runs on B and A never
// sees a Run; with the pool used up on both, Claude Code prints the relay's answer, which
// names the pool and when the first account resets.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TEXT_REPLY, type UsageSpec } from "../fake-cursor/index.ts";
import { CLAUDE_BIN, claudeEnv, claudeVersion, run } from "./cli-process.ts";
import { e2eWorkspace } from "./workspace.ts";
import { until } from "../support/until.ts";

const CLAUDE_VERSION = claudeVersion();
const SUBS = ["auth0|e2e_quota_a", "auth0|e2e_quota_b"];
const DAY = 86_400_000;

const usage = (api: number, cycleEnd: number): UsageSpec => ({
  billingCycleEnd: String(cycleEnd),
  planUsage: { apiPercentUsed: api, autoPercentUsed: 10 },
  enabled: true,
  displayMessage: api >= 100 ? "You've hit your usage limit" : "",
  planName: "Pro",
});

/** Waits until the relay has written figures for every account to quota.json. */
async function figuresRead(dataDir: string, count: number): Promise<void> {
  const path = join(dataDir, "quota.json");
  const read = () => {
    if (!existsSync(path)) return 0;
    const accounts = (JSON.parse(readFileSync(path, "utf8")) as { accounts: Record<string, { readAt: number | null }> }).accounts;
    return Object.values(accounts).filter((a) => a.readAt !== null).length;
  };
  await until(`the relay to write ${count} accounts' usage figures to quota.json`, () => read() >= count, 30_000);
}

async function setup(t: { after(fn: () => unknown): void }, figures: Record<string, UsageSpec>) {
  const w = await e2eWorkspace(t, {
    scenario: { turns: [[{ text: TEXT_REPLY }, { tokens: 3 }, { turnEnded: true }]], login: { pendingPolls: 1, subs: SUBS }, usage: figures },
    labels: ["quota-a", "quota-b"],
  });
  const { fake, dataDir, home } = w;
  const served = await w.serve(["--port", "0", "--api-key", "sk-e2e-quota-key"]);
  await figuresRead(dataDir, 2);
  const claude = () =>
    run(CLAUDE_BIN, ["-p", "say hello", "--output-format", "json"], {
      env: claudeEnv(home, served.url, "sk-e2e-quota-key"),
      cwd: home,
      timeoutMs: 120_000,
    });
  return { fake, claude, relayLog: () => served.stderr() };
}

test(`Claude Code ${CLAUDE_VERSION}: A's API pool used up, B fine → the turn succeeds with no Run on A`, async (t) => {
  const end = Date.now() + 10 * DAY;
  const { fake, claude } = await setup(t, { [SUBS[0]!]: usage(100, end), [SUBS[1]!]: usage(20, end) });
  const r = await claude();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal((JSON.parse(r.stdout) as { result: string }).result, TEXT_REPLY);
  assert.ok(fake.runs.length >= 1);
  assert.deepEqual(
    fake.runs.filter((x) => x.sub === SUBS[0]),
    [],
    "no Run on the used-up account",
  );
});

test(`Claude Code ${CLAUDE_VERSION}: the API pool used up on every account → a message naming the pool and the reset time`, async (t) => {
  const firstReset = Date.now() + 3 * DAY;
  const { fake, claude, relayLog } = await setup(t, { [SUBS[0]!]: usage(100, firstReset), [SUBS[1]!]: usage(100, firstReset + DAY) });
  const started = Date.now();
  const r = await claude();
  const elapsedMs = Date.now() - started;
  const detail = `exit ${r.status} after ${elapsedMs} ms\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n--- relay ---\n${relayLog()}`;
  t.diagnostic(`Claude Code answered after ${elapsedMs} ms`);
  const out = JSON.parse(r.stdout) as { is_error: boolean; result: string };
  assert.equal(out.is_error, true, detail);
  assert.match(out.result, /API pool .* is used up on every Cursor account/, detail);
  assert.match(out.result, new RegExp(`first account resets at ${new Date(firstReset).toISOString().slice(0, 16)}`), detail);
  assert.match(out.result, /`auto` and `composer-\*` models would be served/, detail);
  assert.equal(fake.runs.length, 0, "no Run was opened");
  assert.ok(elapsedMs < 60_000, `not retried for minutes: ${detail}`);
});
