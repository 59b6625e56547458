// Streaming throughput: a 10 MiB reply in 64-byte text deltas (each with a token delta,
// no pacing), read through the relay as Anthropic SSE vs directly as Connect frames.
// Pairs alternate which side goes first; ratio = relay MB/s ÷ direct MB/s of the pair.
import { randomUUID } from "node:crypto";
import { loadText, type Turn } from "../../test/fake-cursor/index.ts";
import { anthropicRequest, parseAnthropicSse } from "../lib/relay-client.ts";
import type { Rig } from "../lib/rig.ts";
import { summarize, type Summary } from "../lib/stats.ts";

export const REPLY_BYTES = 10 * 1024 * 1024;
const CHUNK = 64;
const LOAD: Turn = { prologue: false, steps: [{ textBytes: REPLY_BYTES, chunkBytes: CHUNK, paceMs: 0, tokensPerChunk: 1 }, { turnEnded: true }] };
const MB = 1024 * 1024;

export interface ThroughputResult {
  replyBytes: number;
  deltaBytes: number;
  directMBps: Summary;
  relayMBps: Summary;
  ratio: Summary;
  /** SSE bytes on the wire per reply through the relay (last run). */
  relayWireBytes: number;
  /** SSE events per reply (last verified run). */
  relayEvents: number;
  verified: boolean;
}

async function direct(rig: Rig, keepText: boolean): Promise<{ seconds: number; text: string }> {
  const r = await rig.direct.turn(`throughput ${randomUUID()}`, { keepText });
  if (r.textBytes !== REPLY_BYTES) throw new Error(`direct read ${r.textBytes} bytes, expected ${REPLY_BYTES}`);
  return { seconds: r.totalMs / 1000, text: r.text };
}

async function relay(rig: Rig, keepBody: boolean): Promise<{ seconds: number; body: string; bytes: number }> {
  const r = await rig.relayClient.stream(anthropicRequest([{ role: "user", content: `throughput ${randomUUID()}` }]), { keepBody });
  if (r.status !== 200) throw new Error(`relay answered ${r.status}`);
  return { seconds: r.totalMs / 1000, body: r.body, bytes: r.bytes };
}

export async function throughputFigure(rig: Rig, runs = 5): Promise<ThroughputResult> {
  await rig.play(LOAD);
  // Warm-up, and the one check that the relay delivered exactly the reply.
  const expected = loadText(REPLY_BYTES, CHUNK);
  const d0 = await direct(rig, true);
  const r0 = await relay(rig, true);
  const parsed = parseAnthropicSse(r0.body);
  const verified = d0.text === expected && parsed.text === expected && parsed.complete && parsed.stopReason === "end_turn";
  if (!verified) throw new Error("throughput: the relay's reply differs from the fake's text");
  const relayEvents = r0.body.split("\n\n").length - 1;
  const dMBps: number[] = [];
  const rMBps: number[] = [];
  const ratio: number[] = [];
  let wire = r0.bytes;
  for (let i = 0; i < runs; i++) {
    let d: number;
    let r: number;
    if (i % 2 === 0) {
      d = REPLY_BYTES / MB / (await direct(rig, false)).seconds;
      const rr = await relay(rig, false);
      r = REPLY_BYTES / MB / rr.seconds;
      wire = rr.bytes;
    } else {
      const rr = await relay(rig, false);
      r = REPLY_BYTES / MB / rr.seconds;
      wire = rr.bytes;
      d = REPLY_BYTES / MB / (await direct(rig, false)).seconds;
    }
    dMBps.push(d);
    rMBps.push(r);
    ratio.push(r / d);
  }
  return {
    replyBytes: REPLY_BYTES,
    deltaBytes: CHUNK,
    directMBps: summarize(dMBps),
    relayMBps: summarize(rMBps),
    ratio: summarize(ratio),
    relayWireBytes: wire,
    relayEvents,
    verified,
  };
}
