// Load + faults: many concurrent conversations (Anthropic and OpenAI, streaming and not,
// tool calls answered by the client, several questions each) through one relay to the
// fake Cursor with three accounts, while the fake's per-account scripts — drawn from a
// seed — inject every failure of docs/protocol.md §11: resource_exhausted before and after text,
// unauthenticated, internal, RST_STREAM, GOAWAY, heartbeats-only silence, total silence,
// and a 16 KB initial window under requests over 200 KB.
//
//   RELIABILITY_SEED=<n>            another fault plan (the seed is printed)
//   RELIABILITY_CONVERSATIONS=<n>   another size (CI runs 200)
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunRecord } from "../fake-cursor/index.ts";
import { startHarness } from "../support/relay-harness.ts";
import { BIG_MESSAGE_BYTES, runConversation, type ConversationResult, type ConversationSpec } from "./conversation.ts";
import { buildFaultPlan, FAULT_KINDS, TAG_PATTERN } from "./fault-plan.ts";
import { conversationOfRun, describeTrouble, formatFigures, loadFigures } from "./load-report.ts";
import { installProcessGuards } from "../support/process-guards.ts";
import { createRandom, seedFromEnv, sizeFromEnv } from "./seeded-random.ts";

const DEFAULT_SEED = 20260307;
const DEFAULT_CONVERSATIONS = 200;
const ACCOUNTS = 3;
/**
 * No client request may take longer than this. Stalls resolve in about a second and a turn
 * tries three accounts, so a request needs a few seconds; the rest is headroom for a CPU
 * shared with the fake, 200 clients and whatever else CI runs (a real hang never ends).
 */
const REQUEST_DEADLINE_MS = 30_000;
const FAKE_HEARTBEAT_MS = 100;
const RAMP_MS = 1000;
const ALLOWED_ERROR_STATUSES = new Set([429, 500, 502, 503, 504]);

test("load: concurrent conversations through one relay while the fake injects every docs/protocol.md §11 failure", { timeout: 120_000 }, async (t) => {
  const seed = seedFromEnv("RELIABILITY_SEED", DEFAULT_SEED);
  const size = sizeFromEnv("RELIABILITY_CONVERSATIONS", DEFAULT_CONVERSATIONS);
  t.diagnostic(`seed ${seed} (set RELIABILITY_SEED to change), ${size} conversations (RELIABILITY_CONVERSATIONS)`);
  const guards = installProcessGuards();
  t.after(() => guards.dispose());

  const random = createRandom(seed);
  const plan = buildFaultPlan(random, {
    accounts: ACCOUNTS,
    turnsPerAccount: Math.ceil((size * 6) / ACCOUNTS) + 40,
    expectedRunsPerAccount: Math.ceil((size * 3.5) / ACCOUNTS),
    goawaysPerAccount: 1,
    unauthenticatedPerAccount: 2,
    heartbeatMs: FAKE_HEARTBEAT_MS,
  });
  const specs: ConversationSpec[] = Array.from({ length: size }, (_, i) => ({
    id: `conv-${String(i).padStart(4, "0")}`,
    api: random.chance(0.5) ? "anthropic" : "openai",
    stream: random.chance(0.6),
    userTurns: random.int(1, 3),
    bigFirstMessage: random.chance(0.04),
  }));

  const h = await startHarness(t, {
    accounts: Array.from({ length: ACCOUNTS }, (_, i) => `load-${i + 1}`),
    scenario: plan.scenario,
    initialWindowSize: 16 * 1024,
    relay: {
      // Stalls resolve in well under a second, cooldowns are short, nobody is throttled per key.
      // (a stall timeout much shorter than this fires falsely when CI starves the event loop)
      cursor: { stallTimeoutMs: 1500, progressTimeoutMs: 2500 },
      sessions: { toolGatherMs: 10, parkTimeoutMs: 15_000, pingIntervalMs: 250 },
      gateway: { maxConcurrentPerKey: 100_000 },
      rotation: { backoff: { rateLimitFirstMs: 150, rateLimitMaxMs: 1000, transientFirstMs: 50, transientMaxMs: 500, minCooldownMs: 10 } },
    },
  });

  const started = performance.now();
  const results: ConversationResult[] = await Promise.all(
    specs.map(async (spec, i): Promise<ConversationResult> => {
      // A one-second ramp: 200 connections opened in one burst queue up behind each other in accept().
      await new Promise((r) => setTimeout(r, Math.floor((i * RAMP_MS) / size)));
      try {
        return await runConversation(spec, { url: h.url, key: h.key, deadlineMs: REQUEST_DEADLINE_MS, maxRequests: 60, maxRetryWaitMs: 1000 });
      } catch (e) {
        return { spec, completed: false, requests: [], tags: [], problems: [`${spec.id}: the client failed: ${e instanceof Error ? e.stack : String(e)}`] };
      }
    }),
  );
  const elapsedMs = Math.round(performance.now() - started);
  await h.fake.waitForIdle(5000).catch(() => {});
  const runs: RunRecord[] = [...h.fake.runs];
  const figures = loadFigures(results, runs, plan, BIG_MESSAGE_BYTES);
  // What the relay counted per account (its rotation, as the control snapshot shows it).
  const counted = new Map(figures.tokens.map((a) => [a.accountKey, h.app.parts.rotation.view(h.accountIds[h.subs.indexOf(a.sub)] ?? "?").tokensTotal.output]));
  const relayLog = { warn: h.logLines.filter((l) => / WARN /.test(l)).length, error: h.logLines.filter((l) => / ERROR /.test(l)).length };
  const report = formatFigures(figures, {
    seed,
    "load time": `${elapsedMs} ms`,
    "streams left open on the fake": h.fake.openStreams,
    "relay log": `${relayLog.warn} warnings, ${relayLog.error} errors`,
    "output tokens the relay counted": figures.tokens.map((a) => `${a.accountKey} ${counted.get(a.accountKey)}`).join("; "),
  });
  t.diagnostic(report);
  console.log(`\n--- reliability load ---\n${report}\n`);

  // Every request ended with a complete answer or a well-formed error, in time; every conversation finished.
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) console.log(describeTrouble(results, runs, plan, h.app.parts.accounts.registry.list()));
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problem(s)`);
  assert.equal(figures.completed, size, "every conversation got all its answers, also after its account failed");
  for (const status of Object.keys(figures.errorsByStatus)) {
    assert.ok(ALLOWED_ERROR_STATUSES.has(Number(status)), `an error status a fault explains (got ${status})`);
  }

  // Nothing leaked: upstream streams, sessions, process-level errors.
  assert.equal(h.fake.openStreams, 0, "every upstream stream is closed");
  assert.equal(h.app.parts.sessions.liveCount, 0, "no session is left open");
  assert.deepEqual(guards.problems, [], "no unhandled rejection or uncaught exception");
  assert.deepEqual(h.logLines.filter((l) => / ERROR /.test(l)).slice(0, 5), [], "the relay logged no error");

  // The plan was exercised: every kind of fault was met (at the default size).
  if (size >= 100) {
    const met = Object.keys(figures.faultsByKind).map((k) => k.split(" ")[0]);
    for (const kind of FAULT_KINDS) assert.ok(met.includes(kind), `fault ${kind} was injected at least once`);
    assert.ok(figures.bigRequestsOverTinyWindow > 0, "a request over 200 KB crossed the 16 KB window");
    assert.ok(figures.conversationsThatSawAFailure > 0);
  }

  // Tokens: each account's counter equals the token deltas the fake sent it. The one
  // allowance: deltas written in the instant a stream was cut — a GOAWAY took its
  // connection, or the relay closed it (a stall under a starved CPU) — may not have been
  // read; every other delta was acknowledged by the relay.
  for (const acct of figures.tokens) {
    assert.ok(h.subs.includes(acct.sub), `Runs of a logged-in account (${acct.sub})`);
    assert.deepEqual(acct.unacknowledgedRuns.slice(0, 5), [], "every token delta of a Run that ended in order was acknowledged");
    const n = counted.get(acct.accountKey)!;
    assert.ok(
      n >= acct.delivered && n <= acct.sent,
      `${acct.accountKey}: the relay counted ${n} output tokens; the fake sent ${acct.sent}, of which ${acct.delivered} certainly arrived`,
    );
  }
  assert.equal(
    figures.tokens.reduce((n, a) => n + a.runs, 0),
    runs.length,
  );

  // Every response came from a Run of the same conversation, and no Run answered twice.
  if (!figures.planExhausted) {
    const runByTag = new Map<string, RunRecord>();
    for (const run of runs) if (run.accountKey) runByTag.set(`k${run.accountKey.slice(1)}.${run.turnIndex}`, run);
    const seen = new Set<string>();
    for (const r of results) {
      for (const tag of r.tags) {
        assert.match(tag, TAG_PATTERN);
        const run = runByTag.get(tag);
        assert.ok(run, `${r.spec.id}: a Run played turn ${tag}`);
        assert.equal(conversationOfRun(run), r.spec.id, `${r.spec.id} got turn ${tag}, which served ${conversationOfRun(run)}`);
        assert.ok(!seen.has(tag), `turn ${tag} answered two responses`);
        seen.add(tag);
      }
    }
  }

  // No account was lost to the faults (unauthenticated is refreshed, cooldowns end).
  for (const a of h.app.parts.accounts.registry.list()) {
    assert.equal(a.authExpired, false, `${a.id} is not marked auth expired`);
  }
});
