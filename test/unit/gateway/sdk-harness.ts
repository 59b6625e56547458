// Feeds recorded writer output to the real Anthropic and OpenAI SDKs through a `fetch`
// override, so the SDKs' own SSE parsers and accumulators judge our bytes. Bodies are
// delivered in small byte chunks to split multi-byte characters and SSE frames.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { createMemoryChannel, type MemoryChannel } from "./memory-channel.ts";

export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a writer made of one turn: `drive` plays the turn into the sink `make` builds on a fresh channel. */
export function renderTurn(make: (ch: MemoryChannel) => TurnSink, drive: (sink: TurnSink) => void): MemoryChannel {
  const ch = createMemoryChannel();
  drive(make(ch));
  return ch;
}

export function cannedFrom(ch: MemoryChannel): CannedResponse {
  const isSse = ch.headers["content-type"]?.startsWith("text/event-stream") ?? false;
  const text = isSse ? ch.sseText() : JSON.stringify(ch.body);
  return { status: ch.status ?? 0, headers: ch.headers, body: new TextEncoder().encode(text) };
}

function chunkedStream(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** A fetch that answers every request with the canned response and remembers the request bodies. */
export function cannedFetch(res: CannedResponse, chunkSize = 7): { fetch: typeof fetch; requests: unknown[] } {
  const requests: unknown[] = [];
  const f = async (_url: unknown, init?: RequestInit): Promise<Response> => {
    if (typeof init?.body === "string") requests.push(JSON.parse(init.body));
    return new Response(chunkedStream(res.body, chunkSize), { status: res.status, headers: res.headers });
  };
  return { fetch: f as typeof fetch, requests };
}

export function anthropicClient(res: CannedResponse, chunkSize?: number): Anthropic {
  return new Anthropic({ apiKey: "sk-test", baseURL: "http://relay.test", maxRetries: 0, fetch: cannedFetch(res, chunkSize).fetch });
}

export function openAiClient(res: CannedResponse, chunkSize?: number): OpenAI {
  return new OpenAI({ apiKey: "sk-test", baseURL: "http://relay.test/v1", maxRetries: 0, fetch: cannedFetch(res, chunkSize).fetch });
}
