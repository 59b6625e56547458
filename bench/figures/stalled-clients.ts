// Backpressure: 10 clients each owed a 100 MB streamed answer that never read a byte. The
// relay must stop reading their Cursor streams (HTTP/2 flow control then holds the fake
// back) instead of buffering the answers: its RSS stays bounded, and the fake can only
// have sent what the buffers on the way hold.
//  - peak RSS: the relay process's high-water mark (getrusage maxrss) while they stall.
//  - sent per client: the text the fake managed to write before flow control stopped it.
// A fresh relay per run, in its own process, compiled as `cursor-relay serve` runs.
import { connect, type Socket } from "node:net";
import type { Turn } from "../../test/fake-cursor/index.ts";
import { runsAgainstFake, startChild, type Child } from "../lib/child.ts";
import { summarize, type Summary } from "../lib/stats.ts";

export const STALLED_CLIENTS = 10;
export const OWED_BYTES = 100 * 1024 * 1024;
const CHUNK_BYTES = 1024;
/** How long the sent counters must stay still before the stall counts as settled. */
const SETTLED_MS = 2000;

const OWED_TURN: Turn = {
  prologue: false,
  steps: [{ textBytes: OWED_BYTES, chunkBytes: CHUNK_BYTES, tokensPerChunk: 1 }, { turnEnded: true }],
};

interface Memory {
  rss: number;
  maxRss: number;
}

export interface StalledRun {
  baselineRss: number;
  peakRss: number;
  settledRss: number;
  sentPerClient: number[];
  /** Output tokens the relay counted for the account (tokens delivered, not owed). */
  countedTokens: number;
  sentTokens: number;
}

export interface StalledResult {
  clients: number;
  owedMB: number;
  peakRssMB: Summary;
  settledRssMB: Summary;
  baselineRssMB: Summary;
  maxSentPerClientMB: Summary;
  runs: StalledRun[];
}

/** A streaming request on a raw socket that is never read: the client's receive buffer fills, then the relay's. */
function stalledClient(url: string, key: string): Socket {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ model: "claude-opus-4-8", max_tokens: 1 << 30, stream: true, messages: [{ role: "user", content: "owe me 100 MB" }] });
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on("error", () => {});
  socket.write(
    `POST /v1/messages HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\nx-api-key: ${key}\r\n` +
      `anthropic-version: 2023-06-01\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.pause();
  return socket;
}

async function oneRun(fake: Child, fakeUrl: string): Promise<StalledRun> {
  const relay = await startChild("relay", { compiled: true, nodeArgs: ["--expose-gc"], args: [JSON.stringify({ cursorApi: fakeUrl, accounts: 1 })] });
  const { url, key } = await relay.call<{ url: string; key: string }>("info");
  const sockets: Socket[] = [];
  try {
    await fake.call("setScenario", { login: { pendingPolls: 0 }, turns: [OWED_TURN] });
    await fake.call("takeOutcomes");
    const base = await relay.call<Memory>("memory", true);
    for (let i = 0; i < STALLED_CLIENTS; i++) sockets.push(stalledClient(url, key));
    // Settled: nothing more gets through for SETTLED_MS (every path to the clients is full).
    let last = -1;
    let stillSince = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const sent = await fake.call<{ tokens: number[] }>("sent");
      const total = sent.tokens.reduce((a, b) => a + b, 0);
      if (sent.tokens.length === STALLED_CLIENTS && total === last) {
        if (Date.now() - stillSince >= SETTLED_MS) break;
      } else {
        last = total;
        stillSince = Date.now();
      }
      if (total * CHUNK_BYTES >= STALLED_CLIENTS * OWED_BYTES) throw new Error("the relay read every answer in full: no backpressure");
    }
    const settled = await relay.call<Memory>("memory", false);
    const sent = await fake.call<{ tokens: number[] }>("sent");
    const counted = await relay.call<number>("outputTokens");
    return {
      baselineRss: base.rss,
      peakRss: settled.maxRss,
      settledRss: settled.rss,
      sentPerClient: sent.tokens.map((t) => t * CHUNK_BYTES),
      countedTokens: counted,
      sentTokens: sent.tokens.reduce((a, b) => a + b, 0),
    };
  } finally {
    for (const s of sockets) s.destroy();
    await fake.call("waitForIdle", 10_000).catch(() => {});
    await relay.stop();
  }
}

export async function stalledClientsFigure(runs = 3): Promise<StalledResult> {
  const all = await runsAgainstFake(runs, oneRun);
  const MB = 1024 * 1024;
  return {
    clients: STALLED_CLIENTS,
    owedMB: OWED_BYTES / MB,
    peakRssMB: summarize(all.map((r) => r.peakRss / MB)),
    settledRssMB: summarize(all.map((r) => r.settledRss / MB)),
    baselineRssMB: summarize(all.map((r) => r.baselineRss / MB)),
    maxSentPerClientMB: summarize(all.map((r) => Math.max(...r.sentPerClient) / MB)),
    runs: all,
  };
}
