// Translation cost: upstream events per second through the Anthropic, OpenAI and Gemini
// stream writers alone, into an in-memory ResponseChannel (no sockets). The events are
// those of the throughput reply: 64-byte text deltas, each followed by a token delta.
// Measured as the gateway configures the writers (delta coalescing on) and, for
// reference, with coalescing off (one client event per upstream delta).
import type { ResponseChannel } from "../../app/gateway/http/channel.ts";
import { createAnthropicStreamSink } from "../../app/gateway/anthropic/stream-writer.ts";
import { createOpenAiStreamSink } from "../../app/gateway/openai/stream-writer.ts";
import { createResponsesStreamSink } from "../../app/gateway/responses/stream-writer.ts";
import { createGeminiStreamSink } from "../../app/gateway/gemini/stream-writer.ts";
import { DEFAULT_COALESCE } from "../../app/gateway/delta-coalescer.ts";
import type { SinkEvent, TurnSink } from "../../app/sessions/turn-sink.ts";
import type { ResponseSinkOptions } from "../../app/gateway/sink-options.ts";
import { loadText } from "../../test/fake-cursor/index.ts";
import { responsesEcho } from "../../test/support/responses-echo.ts";
import { summarize, type Summary } from "../lib/stats.ts";

export interface TranslationResult {
  events: number;
  anthropic: Summary;
  openai: Summary;
  anthropicUncoalesced: Summary;
  openaiUncoalesced: Summary;
  responses: Summary;
  responsesUncoalesced: Summary;
  gemini: Summary;
  geminiUncoalesced: Summary;
}

/** Counts what a writer sends, like a socket would take it, without keeping it. */
function countingChannel(): ResponseChannel & { bytes: number } {
  let started = false;
  let closed = false;
  return {
    bytes: 0,
    get started() {
      return started;
    },
    get closed() {
      return closed;
    },
    json() {
      started = true;
    },
    sse(event, data) {
      started = true;
      this.bytes += (event === null ? 8 : event.length + 16) + data.length;
    },
    end() {
      closed = true;
    },
  };
}

function upstreamEvents(textBytes: number, chunk: number): SinkEvent[] {
  const text = loadText(chunk, chunk);
  const out: SinkEvent[] = [];
  for (let i = 0; i < textBytes / chunk; i++) out.push({ type: "text", text }, { type: "tokens", tokens: 1 });
  return out;
}

type Make = (ch: ResponseChannel, o: ResponseSinkOptions) => TurnSink;

/** The Responses writer with what a plain request echoes (no tools). */
const createResponses: Make = (ch, o) =>
  createResponsesStreamSink(ch, {
    ...o,
    toolNames: new Map(),
    echo: responsesEcho(),
  });

function once(make: Make, events: SinkEvent[], coalesce: boolean): number {
  const ch = countingChannel();
  const opts: ResponseSinkOptions = { model: "claude-sonnet-4-5", inputTokens: 100, showThinking: true, includeUsage: true, ...(coalesce ? { coalesce: DEFAULT_COALESCE } : {}) };
  const t0 = performance.now();
  const sink = make(ch, opts);
  for (const ev of events) sink.handle(ev);
  sink.end("end_turn");
  const s = (performance.now() - t0) / 1000;
  if (ch.bytes === 0) throw new Error("the writer sent nothing");
  return events.length / s;
}

function measure(make: Make, events: SinkEvent[], coalesce: boolean, runs: number): Summary {
  for (let i = 0; i < 2; i++) once(make, events, coalesce); // warm-up (JIT)
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) rates.push(once(make, events, coalesce));
  return summarize(rates);
}

export function translationFigure(runs = 5): TranslationResult {
  const events = upstreamEvents(4 * 1024 * 1024, 64);
  // Interleave the writers run by run so drift on a noisy machine hits both alike.
  const a: number[] = [];
  const o: number[] = [];
  const au: number[] = [];
  const ou: number[] = [];
  const r: number[] = [];
  const ru: number[] = [];
  const g: number[] = [];
  const gu: number[] = [];
  for (const [make, c] of [
    [createAnthropicStreamSink, true],
    [createOpenAiStreamSink, true],
    [createGeminiStreamSink, true],
    [createAnthropicStreamSink, false],
    [createOpenAiStreamSink, false],
    [createGeminiStreamSink, false],
    [createResponses, true],
    [createResponses, false],
  ] as const) {
    measure(make, events, c, 0);
  }
  for (let i = 0; i < runs; i++) {
    a.push(once(createAnthropicStreamSink, events, true));
    o.push(once(createOpenAiStreamSink, events, true));
    au.push(once(createAnthropicStreamSink, events, false));
    ou.push(once(createOpenAiStreamSink, events, false));
    r.push(once(createResponses, events, true));
    ru.push(once(createResponses, events, false));
    g.push(once(createGeminiStreamSink, events, true));
    gu.push(once(createGeminiStreamSink, events, false));
  }
  return {
    events: events.length,
    anthropic: summarize(a),
    openai: summarize(o),
    anthropicUncoalesced: summarize(au),
    openaiUncoalesced: summarize(ou),
    responses: summarize(r),
    responsesUncoalesced: summarize(ru),
    gemini: summarize(g),
    geminiUncoalesced: summarize(gu),
  };
}
