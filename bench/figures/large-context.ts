// Large context: a 2 MB conversation (100 user/assistant exchanges with tool calls and
// results) sent through the relay, which parses it, flattens it (no checkpoint: a fresh
// conversation), encodes the Run request and sends it to a fake that advertises a 16 KB
// HTTP/2 initial window, so the upload is flow-controlled. The direct side sends the
// same flattened text with the same Connect client. Figure: time to the first token,
// relay − direct, per interleaved pair.
import { randomBytes, randomUUID } from "node:crypto";
import { parseAnthropicRequest } from "../../app/gateway/anthropic/parse-request.ts";
import { flattenTranscript } from "../../app/sessions/flatten.ts";
import type { Turn } from "../../test/fake-cursor/index.ts";
import { anthropicRequest } from "../lib/relay-client.ts";
import type { Rig } from "../lib/rig.ts";
import { summarize, type Summary } from "../lib/stats.ts";

export const INITIAL_WINDOW = 16 * 1024;
const EXCHANGES = 100;
const REPLY: Turn = { prologue: false, steps: [{ text: "Understood." }, { tokens: 2 }, { turnEnded: true }] };
const TOOLS = [{ name: "Read", description: "Read a file", input_schema: { type: "object", properties: { path: { type: "string" } } } }];

export interface LargeContextResult {
  requestBytes: number;
  flattenedBytes: number;
  initialWindow: number;
  directMs: Summary;
  relayMs: Summary;
  addedMs: Summary;
}

/** Readable filler (words, not one repeated byte) of about n bytes. */
function prose(n: number): string {
  const words = randomBytes(Math.ceil((n * 3) / 4)).toString("base64").replace(/[+/=]/g, "e");
  return words.replace(/(.{7})/g, "$1 ").slice(0, n);
}

/** A conversation of about 2 MB as JSON, ending with a new user question. */
function conversation(tag: string): unknown[] {
  const messages: unknown[] = [{ role: "user", content: `large context ${tag}: ${prose(8000)}` }];
  for (let i = 0; i < EXCHANGES; i++) {
    const id = `toolu_${tag.slice(0, 8)}_${i}`;
    messages.push({
      role: "assistant",
      content: [
        { type: "text", text: prose(6000) },
        { type: "tool_use", id, name: "Read", input: { path: `src/file-${i}.ts` } },
      ],
    });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: prose(14000) }] });
  }
  messages.push({ role: "assistant", content: prose(2000) });
  messages.push({ role: "user", content: "Given all of that, what next?" });
  return messages;
}

export async function largeContextFigure(rig: Rig, runs = 7): Promise<LargeContextResult> {
  await rig.play(REPLY);
  const make = () => {
    const body = anthropicRequest(conversation(randomUUID()), { tools: TOOLS });
    const flat = flattenTranscript(parseAnthropicRequest(body, {}).transcript);
    return { body, flat, bytes: Buffer.byteLength(JSON.stringify(body)) };
  };
  const relay = async (body: unknown) => {
    const r = await rig.relayClient.stream(body);
    if (r.status !== 200 || Number.isNaN(r.ttftMs)) throw new Error(`large context: relay answered ${r.status}`);
    return r.ttftMs;
  };
  const direct = async (flat: string) => (await rig.direct.turn(flat)).ttftMs;
  for (let i = 0; i < 2; i++) {
    const c = make();
    await direct(c.flat);
    await relay(c.body);
  }
  const d: number[] = [];
  const r: number[] = [];
  let sample = make();
  for (let i = 0; i < runs; i++) {
    sample = make(); // a new conversation each time: nothing cached on either side
    if (i % 2 === 0) {
      d.push(await direct(sample.flat));
      r.push(await relay(sample.body));
    } else {
      r.push(await relay(sample.body));
      d.push(await direct(sample.flat));
    }
  }
  return {
    requestBytes: sample.bytes,
    flattenedBytes: Buffer.byteLength(sample.flat),
    initialWindow: INITIAL_WINDOW,
    directMs: summarize(d),
    relayMs: summarize(r),
    addedMs: summarize(r.map((x, i) => x - d[i]!)),
  };
}
