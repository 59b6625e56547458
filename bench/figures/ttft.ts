// Added time to first token: an Anthropic streaming request through the relay vs the
// same turn read directly from the fake with a Connect client, interleaved.
//  - 1 stream: single turns one after another, alternating direct / relay.
//  - 1 stream, OpenAI Responses: the same through POST /v1/responses (clock stops at the
//    first response.output_text.delta), against the same direct baseline.
//  - 64 streams: 64 clients each running turns back to back, their starts spread over
//    one turn; rounds alternate direct / relay. A reply streams like a fast model: a
//    first delta at once, then 10 deltas of 24 bytes (~6 tokens) every 100 ms (~60
//    tokens/s per stream, ~1 s per reply). The TTFT of each new turn is measured while
//    the other 63 streams are mid-reply.
//  - 64 streams, stress (reported, no target): the same with 100-byte deltas every 10 ms
//    (~40× a model's pace, ~6,400 deltas/s in all), which saturates a 2-core machine
//    running fake, relay and load generator; it shows queueing, not the relay's latency.
// Per run: p50 and p99 of each side; added = relay − direct of the same run.
// A third side splits that added time: the same Connect client as "direct" through a
// bare pass-through HTTP/2 forwarder process (bench/children/forwarder.ts: same number
// of processes and hops as the relay, no translation). relay − forwarded is the relay's
// own cost; forwarded − direct is the cost of being a separate process at all. The
// three sides are interleaved, each taking every position in turn.
//
// Each level gets a fresh fake and relay (startRig) and stays under ~900 Runs per
// HTTP/2 connection: the fake's nghttp2 answers more RST_STREAMs than its rapid-reset
// budget (1,000, then ~33/s) on one connection with GOAWAY(INTERNAL_ERROR), and the
// client cancels a Run it no longer reads.
import { randomUUID } from "node:crypto";
import type { Turn } from "../../test/fake-cursor/index.ts";
import { anthropicRequest, responsesRequest } from "../lib/relay-client.ts";
import type { Rig } from "../lib/rig.ts";
import { percentile, summarize, type Summary } from "../lib/stats.ts";

/** The client API the relay side speaks. */
export type TtftApi = "anthropic" | "responses";

export interface TtftLevel {
  api: TtftApi;
  concurrency: number;
  /** How each reply streams after its first delta. */
  pace: string;
  /** A stress run beyond any real load: reported, not held to the target. */
  stress: boolean;
  samplesPerRun: number;
  directP50: Summary;
  directP99: Summary;
  relayP50: Summary;
  relayP99: Summary;
  addedP50: Summary;
  addedP99: Summary;
  /** Through the pass-through forwarder. */
  forwardedP50: Summary;
  forwardedP99: Summary;
  /** relay − forwarded of the same run: the relay's own cost. */
  overForwarderP50: Summary;
  overForwarderP99: Summary;
  errors: number;
}

const QUICK: Turn = { prologue: false, steps: [{ text: "Hello" }, { tokens: 1 }, { text: " there." }, { tokens: 1 }, { turnEnded: true }] };
/** A fast model: 10 × 24 bytes, one every 100 ms, after the first delta. */
const MODEL_PACE: Turn = {
  prologue: false,
  steps: [{ text: "Hello" }, { tokens: 1 }, { textBytes: 240, chunkBytes: 24, paceMs: 100, tokensPerChunk: 6 }, { turnEnded: true }],
};
/** Stress: 20 × 100 bytes, one every 10 ms. */
const STRESS_PACE: Turn = {
  prologue: false,
  steps: [{ text: "Hello" }, { tokens: 1 }, { textBytes: 2000, chunkBytes: 100, paceMs: 10 }, { turnEnded: true }],
};

type Side = "direct" | "forwarded" | "relay";
const SIDES: readonly Side[] = ["direct", "forwarded", "relay"];
/** The sides in rotated order (i-th rotation), so none always follows another. */
const rotated = (i: number): Side[] => SIDES.map((_, k) => SIDES[(i + k) % SIDES.length]!);
type Samples = Record<Side, number[]>;
const noSamples = (): Samples => ({ direct: [], forwarded: [], relay: [] });

async function oneTurn(rig: Rig, side: Side, errors: { n: number }, api: TtftApi = "anthropic"): Promise<number> {
  const text = `ttft ${randomUUID()}`;
  if (side !== "relay") {
    const client = side === "direct" ? rig.direct : rig.forwarded;
    if (!client) throw new Error("the ttft figure needs a rig with the pass-through forwarder (startRig({ forwarder: true }))");
    const r = await client.turn(text);
    if (Number.isNaN(r.ttftMs)) errors.n++;
    return r.ttftMs;
  }
  const r = api === "responses" ? await rig.relayClient.streamResponses(responsesRequest(text)) : await rig.relayClient.stream(anthropicRequest([{ role: "user", content: text }]));
  if (r.status !== 200 || Number.isNaN(r.ttftMs)) errors.n++;
  return r.ttftMs;
}

async function level1(rig: Rig, runs: number, pairs: number, api: TtftApi = "anthropic"): Promise<TtftLevel> {
  await rig.play(QUICK);
  const errors = { n: 0 };
  for (let i = 0; i < 30; i++) for (const side of SIDES) await oneTurn(rig, side, errors, api);
  errors.n = 0;
  const per = perRun();
  for (let run = 0; run < runs; run++) {
    const samples = noSamples();
    for (let i = 0; i < pairs; i++) for (const side of rotated(i)) samples[side].push(await oneTurn(rig, side, errors, api));
    push(per, samples);
  }
  return { ...result(1, pairs, per, errors.n, "none (whole reply at once)", false), api };
}

async function round(rig: Rig, side: Side, clients: number, turnsEach: number, spreadMs: number, errors: { n: number }): Promise<number[]> {
  const samples: number[] = [];
  const worker = async (i: number) => {
    await new Promise((r) => setTimeout(r, (i * spreadMs) / clients));
    for (let t = 0; t < turnsEach; t++) samples.push(await oneTurn(rig, side, errors));
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
  return samples;
}

async function level64(rig: Rig, runs: number, turnsEach: number, stress: boolean): Promise<TtftLevel> {
  await rig.play(stress ? STRESS_PACE : MODEL_PACE);
  const errors = { n: 0 };
  const clients = 64;
  const spreadMs = stress ? 200 : 1000;
  for (const side of SIDES) await round(rig, side, clients, 1, spreadMs, errors);
  errors.n = 0;
  const per = perRun();
  for (let run = 0; run < runs; run++) {
    const samples = noSamples();
    for (const side of rotated(run)) samples[side] = await round(rig, side, clients, turnsEach, spreadMs, errors);
    push(per, samples);
  }
  return result(clients, clients * turnsEach, per, errors.n, stress ? "100 B every 10 ms" : "24 B every 100 ms", stress);
}

const PER_RUN_KEYS = ["dp50", "dp99", "fp50", "fp99", "rp50", "rp99", "a50", "a99", "o50", "o99"] as const;
type PerRun = Record<(typeof PER_RUN_KEYS)[number], number[]>;
const perRun = (): PerRun => Object.fromEntries(PER_RUN_KEYS.map((k) => [k, []])) as unknown as PerRun;

function push(per: PerRun, all: Samples): void {
  // A failed turn (NaN) is counted in errors, not in the percentiles.
  const ok = (side: Side) => all[side].filter(Number.isFinite);
  const [d, f, r] = [ok("direct"), ok("forwarded"), ok("relay")];
  const p = { dp50: percentile(d, 50), dp99: percentile(d, 99), fp50: percentile(f, 50), fp99: percentile(f, 99), rp50: percentile(r, 50), rp99: percentile(r, 99) };
  const derived = { a50: p.rp50 - p.dp50, a99: p.rp99 - p.dp99, o50: p.rp50 - p.fp50, o99: p.rp99 - p.fp99 };
  for (const [k, v] of Object.entries({ ...p, ...derived })) per[k as keyof PerRun].push(v);
}

function result(
  concurrency: number,
  samplesPerRun: number,
  per: PerRun,
  errors: number,
  pace: string,
  stress: boolean,
): TtftLevel {
  return {
    api: "anthropic",
    concurrency,
    pace,
    stress,
    samplesPerRun,
    directP50: summarize(per.dp50),
    directP99: summarize(per.dp99),
    relayP50: summarize(per.rp50),
    relayP99: summarize(per.rp99),
    addedP50: summarize(per.a50),
    addedP99: summarize(per.a99),
    forwardedP50: summarize(per.fp50),
    forwardedP99: summarize(per.fp99),
    overForwarderP50: summarize(per.o50),
    overForwarderP99: summarize(per.o99),
    errors,
  };
}

export async function ttftFigure(startRig: () => Promise<Rig>, runs = 5): Promise<TtftLevel[]> {
  const out: TtftLevel[] = [];
  const levels = [
    (rig: Rig) => level1(rig, runs, 100),
    (rig: Rig) => level1(rig, runs, 100, "responses"),
    (rig: Rig) => level64(rig, Math.min(runs, 4), 3, false),
    (rig: Rig) => level64(rig, 3, 3, true),
  ];
  for (const level of levels) {
    const rig = await startRig();
    try {
      out.push(await level(rig));
    } finally {
      await rig.close();
    }
  }
  return out;
}
