// Time to first token while usage polls run: a request must never wait on a usage call.
// One relay, one account, single Anthropic streaming turns one after another; blocks of
// turns alternate between usage polling idle (the relay's one read at start, then nothing
// for minutes) and usage polling running constantly: the relay's own poller reading the
// account back to back (far above its real 5-minute pace), every answer held back by the
// fake, so a read is always in flight — and each finished read saves quota.json and
// notifies the views, inside the relay process, as a real poll does.
// Per run: p50 and p99 of each state; the figure is polling − idle of the same run.
import { randomUUID } from "node:crypto";
import type { Scenario, Turn } from "../../test/fake-cursor/index.ts";
import { anthropicRequest } from "../lib/relay-client.ts";
import type { Rig } from "../lib/rig.ts";
import { percentile, summarize, type Summary } from "../lib/stats.ts";

/** How late the fake answers each usage call. */
export const USAGE_ANSWER_DELAY_MS = 50;

export interface TtftDuringPollsResult {
  samplesPerState: number;
  usageAnswerDelayMs: number;
  idleP50: Summary;
  idleP99: Summary;
  pollingP50: Summary;
  pollingP99: Summary;
  /** polling − idle, per run. */
  addedP50: Summary;
  addedP99: Summary;
  /** The relay's event-loop delay over each state's blocks (the highest block p99, and the max), per run. */
  idleLoopDelayP99: Summary;
  pollingLoopDelayP99: Summary;
  idleLoopDelayMax: Summary;
  pollingLoopDelayMax: Summary;
  /** Usage reads the relay finished per second while polling. */
  readsPerSecond: Summary;
  errors: number;
}

const QUICK: Turn = { prologue: false, steps: [{ text: "Hello" }, { tokens: 1 }, { text: " there." }, { tokens: 1 }, { turnEnded: true }] };

const SLOW_USAGE: Partial<Scenario> = {
  usage: {
    "*": {
      billingCycleEnd: String(Date.now() + 20 * 24 * 3600_000),
      planUsage: { autoPercentUsed: 12, apiPercentUsed: 34 },
      planName: "Pro",
      delayMs: USAGE_ANSWER_DELAY_MS,
    },
  },
};

type State = "idle" | "polling";
interface LoopDelay {
  p99: number;
  max: number;
}

async function relayTurn(rig: Rig, errors: { n: number }): Promise<number> {
  const r = await rig.relayClient.stream(anthropicRequest([{ role: "user", content: `polls ${randomUUID()}` }]));
  if (r.status !== 200 || Number.isNaN(r.ttftMs)) errors.n++;
  return r.ttftMs;
}

/** Turns of one block in one state; answers the samples and, when polling, reads per second. */
async function block(
  rig: Rig,
  state: State,
  turns: number,
  errors: { n: number },
): Promise<{ samples: number[]; readsPerSecond: number | null; loop: LoopDelay }> {
  await rig.relay.call("loopDelay");
  if (state === "polling") {
    await rig.relay.call("usagePolls", true);
    // Let the first read get under way, so every turn of the block overlaps one.
    await new Promise((r) => setTimeout(r, USAGE_ANSWER_DELAY_MS / 2));
  }
  const started = performance.now();
  const samples: number[] = [];
  for (let i = 0; i < turns; i++) samples.push(await relayTurn(rig, errors));
  const loop = await rig.relay.call<LoopDelay>("loopDelay");
  if (state === "idle") return { samples, readsPerSecond: null, loop };
  const reads = await rig.relay.call<number>("usagePolls", false);
  return { samples, readsPerSecond: reads / ((performance.now() - started) / 1000), loop };
}

export async function ttftDuringPollsFigure(rig: Rig, runs = 7, blocksPerState = 4, turnsPerBlock = 50): Promise<TtftDuringPollsResult> {
  await rig.play(QUICK, SLOW_USAGE);
  const errors = { n: 0 };
  for (const state of ["idle", "polling", "idle", "polling"] as const) await block(rig, state, 15, errors);
  errors.n = 0;
  const per = { i50: [] as number[], i99: [] as number[], p50: [] as number[], p99: [] as number[], a50: [] as number[], a99: [] as number[], rps: [] as number[], li99: [] as number[], lp99: [] as number[], liMax: [] as number[], lpMax: [] as number[] };
  for (let run = 0; run < runs; run++) {
    const idle: number[] = [];
    const polling: number[] = [];
    const rps: number[] = [];
    const loops: Record<State, LoopDelay[]> = { idle: [], polling: [] };
    for (let b = 0; b < blocksPerState * 2; b++) {
      // Alternate which state goes first, so neither always follows the other.
      const state: State = (b + run) % 2 === 0 ? "idle" : "polling";
      const r = await block(rig, state, turnsPerBlock, errors);
      (state === "idle" ? idle : polling).push(...r.samples.filter(Number.isFinite));
      if (r.readsPerSecond !== null) rps.push(r.readsPerSecond);
      loops[state].push(r.loop);
    }
    const i50 = percentile(idle, 50);
    const i99 = percentile(idle, 99);
    const p50 = percentile(polling, 50);
    const p99 = percentile(polling, 99);
    per.i50.push(i50);
    per.i99.push(i99);
    per.p50.push(p50);
    per.p99.push(p99);
    per.a50.push(p50 - i50);
    per.a99.push(p99 - i99);
    per.rps.push(rps.reduce((a, b) => a + b, 0) / rps.length);
    per.li99.push(Math.max(...loops.idle.map((l) => l.p99)));
    per.lp99.push(Math.max(...loops.polling.map((l) => l.p99)));
    per.liMax.push(Math.max(...loops.idle.map((l) => l.max)));
    per.lpMax.push(Math.max(...loops.polling.map((l) => l.max)));
  }
  return {
    samplesPerState: blocksPerState * turnsPerBlock,
    usageAnswerDelayMs: USAGE_ANSWER_DELAY_MS,
    idleP50: summarize(per.i50),
    idleP99: summarize(per.i99),
    pollingP50: summarize(per.p50),
    pollingP99: summarize(per.p99),
    addedP50: summarize(per.a50),
    addedP99: summarize(per.a99),
    idleLoopDelayP99: summarize(per.li99),
    pollingLoopDelayP99: summarize(per.lp99),
    idleLoopDelayMax: summarize(per.liMax),
    pollingLoopDelayMax: summarize(per.lpMax),
    readsPerSecond: summarize(per.rps),
    errors: errors.n,
  };
}
