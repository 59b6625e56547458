// The crash test: `cursor-relay serve` as a real process (file secret store, a temp data
// dir, the fake Cursor upstream) is killed with SIGKILL while streams are open, then
// started again on the same data dir. Every account, its label, its cooldown and its
// usage counters are still there — at most the last second of counters may be lost (the
// rotation debounces usage by 1 s; cooldowns are written at once) — and clients that
// lost their streams send their requests again and get answers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { RELAY_BIN, run, serve, type Served } from "../e2e/cli-process.ts";
import { startFakeCursor, type Scenario, type Step } from "../fake-cursor/index.ts";
import type { AccountRow } from "../../app/cli/accounts.ts";
import type { Snapshot } from "../../app/base/control-api.ts";
import { sendChat, type Outcome } from "./chat-client.ts";
import { until } from "../support/until.ts";

const API_KEY = "sk-crash-test-relay-key";
const LABELS = ["crash-a", "crash-b", "crash-c"];
const SUBS = LABELS.map((l) => `auth0|${l}`);
const ANSWER: Step[] = [{ text: "Answer." }, { tokens: 7 }, { checkpoint: true }, { turnEnded: true }];

/** A port that was free a moment ago, so both runs of the relay listen on the same URL. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const ask = (url: string, session: string, stream: boolean): Promise<Outcome> =>
  sendChat({
    url,
    key: API_KEY,
    api: "anthropic",
    stream,
    deadlineMs: 20_000,
    body: {
      model: "claude-opus-4-8",
      max_tokens: 200,
      metadata: { user_id: JSON.stringify({ device_id: "crash", account_uuid: "", session_id: session }) },
      messages: [{ role: "user", content: `a question of ${session}` }],
    },
  });

test("kill -9 mid-stream, restart on the same data dir: accounts, labels, cooldowns and usage survive; clients carry on", { timeout: 120_000 }, async (t) => {
  const phase1: Scenario = { accounts: { "*": [ANSWER] }, login: { pendingPolls: 0, subs: SUBS } };
  const fake = await startFakeCursor({ scenario: phase1 });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-crash-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url, CURSOR_RELAY_SECRET_STORE: "file" };
  const port = await freePort();
  const args = ["--port", String(port), "--api-key", API_KEY];
  let relay: Served | undefined;
  t.after(async () => {
    await relay?.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const accounts = async (): Promise<AccountRow[]> => {
    const r = await run(process.execPath, [RELAY_BIN, "accounts", "--json"], { env });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as AccountRow[];
  };
  const bySub = (rows: AccountRow[], sub: string) => rows.find((r) => r.sub === sub)!;
  const tokensOf = (sub: string, runs = fake.runs) => runs.filter((r) => r.sub === sub).reduce((n, r) => n + r.tokensSent, 0);

  for (const label of LABELS) {
    const r = await run(process.execPath, [RELAY_BIN, "login", "--no-browser", "--label", label], { env });
    assert.equal(r.status, 0, r.stderr);
  }
  relay = await serve(args, env);
  const url = relay.url;

  // Phase 1a: answers on every account, then more than the 1 s debounce of quiet.
  const first = await Promise.all(["s1", "s2", "s3", "s4", "s5", "s6"].map((s) => ask(url, s, false)));
  assert.ok(first.every((o) => o.ok), JSON.stringify(first));
  await fake.waitForIdle();
  const settledRuns = [...fake.runs];
  assert.deepEqual(new Set(settledRuns.map((r) => r.sub)), new Set(SUBS), "round-robin used every account");
  await new Promise((r) => setTimeout(r, 1500));

  // Phase 1b, the last second: A runs out of quota (cooldown), B and C stream and stall.
  fake.setScenario({
    ...phase1,
    accounts: {
      [SUBS[0]!]: [[{ fail: "resource_exhausted" }]],
      "*": [[{ text: "partial " }, { tokens: 4 }, { kvSet: "ack" }, { silence: { heartbeatMs: 100 } }]],
    },
  });
  const inFlight = ["s7", "s8", "s9"].map((s) => ask(url, s, true).then(
    (o) => o,
    (e: unknown) => e as Error,
  ));
  await until("A's quota failure and three open streams", () => {
    const late = fake.runs.slice(settledRuns.length);
    return late.some((r) => r.sub === SUBS[0] && r.outcome === "failed") && late.filter((r) => r.tokensConfirmed === 4 && !r.streamClosed).length === 3;
  }, 10_000);
  const allRuns = [...fake.runs];
  relay.child.kill("SIGKILL");
  const killed = await relay.stop();
  relay = undefined;
  assert.equal(killed, null, "killed by a signal");

  // The streams broke at the client; upstream, every stream of the dead process closed.
  const broken = await Promise.all(inFlight);
  for (const b of broken) assert.ok(b instanceof Error || !b.ok, `a stream cut by the crash does not look complete: ${JSON.stringify(b)}`);
  await fake.waitForIdle(5000);
  assert.equal(fake.openStreams, 0);

  // What the dead relay left on disk.
  const after = await accounts();
  assert.deepEqual(after.map((r) => [r.sub, r.label]).sort(), SUBS.map((s, i) => [s, LABELS[i]]).sort(), "every account and its label");
  const a = bySub(after, SUBS[0]!);
  assert.equal(a.state, "cooling", "A's cooldown, written at once, survived the crash");
  assert.ok(a.cooldownUntil! > Date.now() + 20_000, "the whole 30 s cooldown");
  assert.match(a.cooldownReason ?? "", /usage limit|quota|rate limit/i);
  for (const sub of SUBS) {
    const row = bySub(after, sub);
    const settled = tokensOf(sub, settledRuns);
    const upToKill = tokensOf(sub, allRuns);
    assert.ok(
      row.tokensTotal.output >= settled && row.tokensTotal.output <= upToKill,
      `${row.id}: ${row.tokensTotal.output} output tokens persisted; ${settled} were counted over a second before the kill, ${upToKill} by the kill`,
    );
    assert.ok(row.requests >= settledRuns.filter((r) => r.sub === sub).length, `${row.id}: requests counted before the last second are kept`);
  }

  // Restart on the same data dir and port.
  fake.setScenario({ ...phase1, accounts: { "*": [ANSWER] } });
  relay = await serve(args, env);
  assert.equal(relay.url, url);
  await until("the dashboard line", () => /dashboard: \S+#key=/.test(relay!.stdout()), 10_000);
  const managementKey = /dashboard: \S+#key=(\S+)/.exec(relay.stdout())![1]!;
  const snapshot = async (): Promise<Snapshot> => {
    const res = await fetch(`${url}/v0/management/snapshot`, { headers: { authorization: `Bearer ${managementKey}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as Snapshot;
  };
  const live = await snapshot();
  const liveA = live.accounts.find((x) => x.id === a.id)!;
  assert.equal(liveA.state, "cooling", "the restarted relay keeps A out of rotation");
  assert.equal(liveA.cooldownUntil, a.cooldownUntil);
  for (const row of after) {
    const v = live.accounts.find((x) => x.id === row.id);
    assert.ok(v, `${row.id} is served again`);
    assert.equal(v.label, row.label);
    assert.deepEqual(v.tokensTotal, row.tokensTotal, `${row.id}: the restarted relay starts from the persisted counters`);
  }

  // The clients whose streams broke send their requests again; all answered, none by A.
  const runsBefore = fake.runs.length;
  const retried = await Promise.all(["s7", "s8", "s9"].map((s) => ask(url, s, true)));
  for (const o of retried) assert.ok(o.ok && o.text === "Answer.", JSON.stringify(o));
  const newRuns = fake.runs.slice(runsBefore);
  assert.equal(newRuns.length, 3);
  assert.ok(newRuns.every((r) => r.sub !== SUBS[0] && r.outcome === "completed"), "A still cools down after the restart");

  // A clean stop flushes: the counters are the persisted ones plus the new answers.
  assert.equal(await relay.stop(), 0);
  relay = undefined;
  const final = await accounts();
  for (const row of after) {
    const added = tokensOf(row.sub!, newRuns);
    assert.equal(bySub(final, row.sub!).tokensTotal.output, row.tokensTotal.output + added, `${row.id}: persisted + new`);
  }
});
