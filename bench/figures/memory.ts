// Concurrency and memory: 1,000 concurrent sessions on a relay in its own process, 200 of
// them parked on a tool call while 800 others stream, then the 200 resumed on their
// parked upstream streams. Every response is checked; anything short of the exact
// expected answer counts as an error.
//  - RSS per parked session: (RSS after parking 200 − RSS before), both after a full
//    GC, ÷ 200.
//  - peak RSS: the relay process's high-water mark (getrusage maxrss) over the run.
// A fresh relay per run, so each run's peak is its own.
import { randomUUID } from "node:crypto";
import type { Turn } from "../../test/fake-cursor/index.ts";
import { runsAgainstFake, startChild, type Child } from "../lib/child.ts";
import { anthropicRequest, createRelayClient, parseAnthropicSse, type RelayClient } from "../lib/relay-client.ts";
import { BENCH_MAX_CONCURRENT_PER_KEY } from "../lib/rig.ts";
import { summarize, type Summary } from "../lib/stats.ts";
import { loadText } from "../../test/fake-cursor/index.ts";

export const PARKED = 200;
export const STREAMING = 800;
const STREAM_BYTES = 6000;
const STREAM_CHUNK = 100;
// 60 deltas, one every 200 ms: each stream lasts ~12 s, long enough for all 800 to be
// open at once even when starting them takes a loaded machine several seconds.
const STREAM_PACE_MS = 200;

const TOOL_TURN: Turn = {
  prologue: false,
  steps: [{ toolCall: { name: "Bash", args: { command: "echo bench" } } }, { replyWithToolResult: "Tool said: " }, { tokens: 3 }, { turnEnded: true }],
};
const STREAM_TURN: Turn = {
  prologue: false,
  steps: [{ textBytes: STREAM_BYTES, chunkBytes: STREAM_CHUNK, paceMs: STREAM_PACE_MS, tokensPerChunk: 1 }, { turnEnded: true }],
};
/** Warm-up streams: the same code paths, without the wait. */
const WARM_STREAM_TURN: Turn = {
  prologue: false,
  steps: [{ textBytes: STREAM_BYTES, chunkBytes: STREAM_CHUNK, paceMs: 1, tokensPerChunk: 1 }, { turnEnded: true }],
};
const TOOLS = [
  {
    name: "Bash",
    description: "Run a shell command",
    input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  },
];

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  maxRss: number;
  peakSample: NodeJS.MemoryUsage;
}

export interface MemoryRun {
  baselineRss: number;
  parkedRss: number;
  peakRss: number;
  /** RSS after a full GC while all 1,000 sessions were live (null if they never were at once). */
  allLiveRss: number | null;
  /** memoryUsage() at the sampled peak: where the memory was. */
  peakSample: NodeJS.MemoryUsage;
  perParkedRss: number;
  perParkedHeap: number;
  maxLiveSessions: number;
  errors: number;
  errorSamples: string[];
}

export interface MemoryResult {
  sessions: number;
  parked: number;
  peakRssMB: Summary;
  /** RSS after a full GC with all sessions live: the live set, without garbage awaiting collection. */
  allLiveRssMB: Summary | null;
  baselineRssMB: Summary;
  perParkedKB: Summary;
  perParkedHeapKB: Summary;
  maxLiveSessions: Summary;
  errors: number;
  errorSamples: string[];
  runs: MemoryRun[];
}

interface Conversation {
  firstText: string;
  toolUseId: string;
  command: string;
}

async function park(client: RelayClient, errors: string[]): Promise<Conversation | null> {
  const firstText = `memory ${randomUUID()}`;
  const r = await client.stream(anthropicRequest([{ role: "user", content: firstText }], { tools: TOOLS }), { keepBody: true });
  const t = r.status === 200 ? parseAnthropicSse(r.body) : null;
  const use = t?.toolUses[0];
  if (!t || !use || t.stopReason !== "tool_use" || !t.complete) {
    errors.push(`park: status ${r.status} ${r.body.slice(0, 200)}`);
    return null;
  }
  return { firstText, toolUseId: use.id, command: JSON.parse(use.input).command as string };
}

async function resume(client: RelayClient, c: Conversation, n: number, errors: string[]): Promise<void> {
  const result = `bench-ok-${n}`;
  const messages = [
    { role: "user", content: c.firstText },
    { role: "assistant", content: [{ type: "tool_use", id: c.toolUseId, name: "Bash", input: { command: c.command } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: c.toolUseId, content: result }] },
  ];
  const r = await client.stream(anthropicRequest(messages, { tools: TOOLS }), { keepBody: true });
  const t = r.status === 200 ? parseAnthropicSse(r.body) : null;
  if (!t || t.text !== `Tool said: ${result}` || t.stopReason !== "end_turn" || !t.complete) {
    errors.push(`resume: status ${r.status} ${r.body.slice(0, 200)}`);
  }
}

async function stream(client: RelayClient, errors: string[]): Promise<void> {
  const r = await client.stream(anthropicRequest([{ role: "user", content: `stream ${randomUUID()}` }]), { keepBody: true });
  const t = r.status === 200 ? parseAnthropicSse(r.body) : null;
  if (!t || t.text !== loadText(STREAM_BYTES, STREAM_CHUNK) || t.stopReason !== "end_turn" || !t.complete) {
    errors.push(`stream: status ${r.status} ${r.body.slice(0, 200)}`);
  }
}

async function oneRun(fake: Child, fakeUrl: string): Promise<MemoryRun> {
  const relay = await startChild("relay", {
    compiled: true,
    nodeArgs: ["--expose-gc"],
    args: [JSON.stringify({ cursorApi: fakeUrl, accounts: 1, sampleMemory: true, gateway: { maxConcurrentPerKey: BENCH_MAX_CONCURRENT_PER_KEY } })],
  });
  const { url, key } = await relay.call<{ url: string; key: string }>("info");
  const client = createRelayClient(url, key);
  const errors: string[] = [];
  try {
    // Warm-up: the code paths, the upstream connection, the model list.
    await fake.call("setScenario", { login: { pendingPolls: 0 }, turns: [TOOL_TURN] });
    for (let i = 0; i < 20; i++) {
      const c = await park(client, errors);
      if (c) await resume(client, c, i, errors);
    }
    await fake.call("setScenario", { login: { pendingPolls: 0 }, turns: [WARM_STREAM_TURN] });
    await Promise.all(Array.from({ length: 20 }, () => stream(client, errors)));
    errors.length = 0;
    await fake.call("waitForIdle", 10_000);

    const base = await relay.call<Memory>("memory", true);
    await fake.call("setScenario", { login: { pendingPolls: 0 }, turns: [TOOL_TURN] });
    const parked = (await Promise.all(Array.from({ length: PARKED }, () => park(client, errors)))).filter((c): c is Conversation => c !== null);
    const withParked = await relay.call<Memory>("memory", true);
    await relay.call("sessions"); // resets the max-live sampler

    await fake.call("setScenario", { login: { pendingPolls: 0 }, turns: [STREAM_TURN] });
    let streamsDone = false;
    const streams = Promise.all(Array.from({ length: STREAMING }, () => stream(client, errors))).finally(() => (streamsDone = true));
    // Once all 1,000 are live: the RSS they hold after a full GC (what is live, not garbage).
    let allLive: Memory | null = null;
    let maxLive = 0;
    while (!streamsDone && allLive === null) {
      await new Promise((r) => setTimeout(r, 100));
      const s = await relay.call<{ live: number; maxLive: number }>("sessions");
      maxLive = Math.max(maxLive, s.maxLive);
      if (s.live >= PARKED + STREAMING) {
        allLive = await relay.call<Memory>("memory", true);
        if (process.env.BENCH_HEAP_SNAPSHOT_DIR) await relay.call<string>("heapSnapshot", process.env.BENCH_HEAP_SNAPSHOT_DIR);
      }
    }
    await streams;
    maxLive = Math.max(maxLive, (await relay.call<{ live: number; maxLive: number }>("sessions")).maxLive);

    await Promise.all(parked.map((c, i) => resume(client, c, i, errors)));
    await fake.call("waitForIdle", 10_000);
    const end = await relay.call<Memory>("memory", false);
    return {
      baselineRss: base.rss,
      parkedRss: withParked.rss,
      peakRss: end.maxRss,
      allLiveRss: allLive?.rss ?? null,
      peakSample: end.peakSample,
      perParkedRss: (withParked.rss - base.rss) / PARKED,
      perParkedHeap: (withParked.heapUsed + withParked.external - base.heapUsed - base.external) / PARKED,
      maxLiveSessions: maxLive,
      errors: errors.length,
      errorSamples: errors.slice(0, 3),
    };
  } finally {
    client.close();
    await relay.stop();
  }
}

export async function memoryFigure(runs = 3): Promise<MemoryResult> {
  const all = await runsAgainstFake(runs, async (fake, fakeUrl) => {
    const run = await oneRun(fake, fakeUrl);
    await fake.call("takeOutcomes");
    return run;
  });
  return {
    sessions: PARKED + STREAMING,
    parked: PARKED,
    peakRssMB: summarize(all.map((r) => r.peakRss / 1024 / 1024)),
    allLiveRssMB: all.every((r) => r.allLiveRss !== null) ? summarize(all.map((r) => r.allLiveRss! / 1024 / 1024)) : null,
    baselineRssMB: summarize(all.map((r) => r.baselineRss / 1024 / 1024)),
    perParkedKB: summarize(all.map((r) => r.perParkedRss / 1024)),
    perParkedHeapKB: summarize(all.map((r) => r.perParkedHeap / 1024)),
    maxLiveSessions: summarize(all.map((r) => r.maxLiveSessions)),
    errors: all.reduce((n, r) => n + r.errors, 0),
    errorSamples: all.flatMap((r) => r.errorSamples).slice(0, 5),
    runs: all,
  };
}
