// An in-memory ResponseChannel that records what a writer sends, plus the exact bytes a
// real server would put on the wire (the framing of app/gateway/http/sse.ts), so tests
// can parse the SSE back (test/support/sse.ts) and feed it to the real SDKs.
import type { ResponseChannel } from "../../../app/gateway/http/channel.ts";
import type { SseEvent } from "../../support/sse.ts";


export interface MemoryChannel extends ResponseChannel {
  status: number | undefined;
  headers: Record<string, string>;
  /** The JSON body when json() was used. */
  body: unknown;
  events: SseEvent[];
  ended: boolean;
  /** The SSE stream as bytes on the wire. */
  sseText(): string;
  /** Simulates the client going away. */
  disconnect(): void;
  /** Every write, in order, for asserting "nothing after end". */
  writes: string[];
}

export function createMemoryChannel(): MemoryChannel {
  let started = false;
  let closed = false;
  const ch: MemoryChannel = {
    status: undefined,
    headers: {},
    body: undefined,
    events: [],
    ended: false,
    writes: [],
    get started() {
      return started;
    },
    get closed() {
      return closed;
    },
    json(status, body, headers = {}) {
      ch.writes.push(`json ${status}`);
      if (started || closed) return;
      started = true;
      ch.status = status;
      ch.headers = { "content-type": "application/json; charset=utf-8", ...headers };
      ch.body = JSON.parse(JSON.stringify(body));
    },
    sse(event, data) {
      ch.writes.push(`sse ${event ?? ""}`);
      if (closed) return;
      if (!started) {
        started = true;
        ch.status = 200;
        ch.headers = { "content-type": "text/event-stream; charset=utf-8" };
      }
      ch.events.push({ event, data });
    },
    end() {
      ch.writes.push("end");
      if (closed) return;
      closed = true;
      ch.ended = true;
    },
    disconnect() {
      closed = true;
    },
    sseText() {
      return ch.events.map((e) => `${e.event ? `event: ${e.event}\n` : ""}data: ${e.data}\n\n`).join("");
    },
  };
  return ch;
}

