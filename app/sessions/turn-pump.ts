// Streams one open session's events into a client response until the turn ends, the
// response ends on tool calls (the stream parks), or the stream fails (the pump throws
// and the caller decides: another account, or an error event for the client). It also
// keeps the books: the request and its tokens count for the account that first shows the
// client something; the conversation's checkpoint is stored as it arrives.
import { randomUUID } from "node:crypto";
import type { AccountPool } from "../base/account-pool.ts";
import type { Clock } from "../base/clock.ts";
import type { Logger } from "../base/log.ts";
import type { CursorEvent } from "../cursor/types.ts";
import type { CheckpointStore } from "./checkpoint-store.ts";
import { TIMEOUT } from "./event-puller.ts";
import type { LiveSession, LiveSessions } from "./live-session.ts";
import { createSilencePinger, type SilencePinger } from "./silence-pinger.ts";
import { refusedToolCallText } from "./tool-choice.ts";
import { toClientToolId } from "./tool-ids.ts";
import type { TurnInput } from "./turn-input.ts";
import type { StopReason, TurnSink } from "./turn-sink.ts";

export interface TurnPumpDeps {
  live: LiveSessions;
  pool: AccountPool;
  checkpoints: CheckpointStore;
  clock: Clock;
  logger: Logger;
  /** How long to wait for further parallel tool calls before handing the calls to the client. */
  toolGatherMs: number;
  /** Silence after which the client gets a keep-alive ping. */
  pingIntervalMs: number;
}

/** Streams `s` into `sink` for this turn; resolves when the response is complete, throws when the stream failed. */
export type TurnPump = (s: LiveSession, input: TurnInput, sink: TurnSink) => Promise<void>;

/** One response's progress on one stream. */
interface Progress {
  deps: TurnPumpDeps;
  s: LiveSession;
  input: TurnInput;
  sink: TurnSink;
  pinger: SilencePinger;
  /** Tool calls handed to the client in this response. */
  handedOut: number;
  /** Output tokens of this response. */
  output: number;
  /** The request was counted (for this account or the one before a failover). */
  counted: boolean;
}

type Next = "more" | "done";

export function createTurnPump(deps: TurnPumpDeps): TurnPump {
  return async (s, input, sink) => {
    const pinger = createSilencePinger(deps.clock, deps.pingIntervalMs, () => sink.ping());
    try {
      await pumpEvents({ deps, s, input, sink, pinger, handedOut: 0, output: 0, counted: sink.contentStarted });
    } finally {
      pinger.stop();
    }
  };
}

function finishTurn(p: Progress, reason: StopReason): void {
  p.deps.pool.succeeded(p.s.accountId);
  p.sink.end(reason);
  p.deps.live.dispose(p.s);
}

/** The request counts for the account that first shows the client something. */
function countRequest(p: Progress): void {
  if (p.counted) return;
  p.counted = true;
  p.s.served = true;
  p.deps.pool.recordRequest(p.s.accountId);
  p.deps.pool.recordUsage(p.s.accountId, { input: p.input.inputTokens });
  p.s.tokens.input += p.input.inputTokens;
}

function onTokens(p: Progress, event: Extract<CursorEvent, { type: "tokens" }>): Next {
  const { s, sink, input } = p;
  const { pool, live } = p.deps;
  const tokens = event.tokens;
  s.tokens.output += tokens;
  p.output += tokens;
  pool.recordUsage(s.accountId, { output: tokens });
  sink.handle(event);
  live.changed();
  if (input.maxTokens === undefined || p.output < input.maxTokens || p.handedOut > 0) return "more";
  countRequest(p);
  finishTurn(p, "max_tokens");
  return "done";
}

function onToolCall(p: Progress, event: Extract<CursorEvent, { type: "tool_call" }>): Next {
  const { s, sink, input } = p;
  if (input.allowedTools && !input.allowedTools.has(event.call.name)) {
    // tool_choice rules it out: the model hears why on the stream, the client never sees it.
    p.deps.logger.debug("refused a tool call the client's tool_choice does not allow", { tool: event.call.name });
    try {
      s.run.sendToolResult(event.call, { text: refusedToolCallText(event.call.name), isError: true, rejected: true });
    } catch {
      // the stream is closing: its end is read next
    }
    return "more";
  }
  countRequest(p);
  const raw = event.call.toolCallId === "" ? randomUUID() : event.call.toolCallId;
  const call = { ...event.call, toolCallId: raw };
  s.pendingCalls.set(toClientToolId(raw), call);
  p.handedOut++;
  p.pinger.pause(true);
  sink.handle({ type: "tool_call", call });
  if (input.parallelToolCalls !== false) return "more";
  // One call per response: a further call Cursor makes is handed out in the next one.
  p.deps.live.park(s);
  sink.end("tool_use");
  return "done";
}

function onEvent(p: Progress, ev: CursorEvent): Next {
  const { s, sink } = p;
  switch (ev.type) {
    case "checkpoint":
      // Only the stream that owns the conversation writes its checkpoint.
      if (!s.detached && p.deps.live.owns(s)) {
        p.deps.checkpoints.put(s.conversationId, { bytes: ev.bytes, blobs: s.blobs, accountId: s.accountId });
      }
      return "more";
    case "turn_ended":
      finishTurn(p, p.handedOut > 0 ? "tool_use" : "end_turn");
      return "done";
    case "tokens":
      return onTokens(p, ev);
    case "tool_call":
      return onToolCall(p, ev);
    case "thinking_done":
      sink.handle(ev);
      return "more";
    case "text":
    case "thinking":
      if (ev.text.length === 0) return "more";
      countRequest(p);
      sink.handle(ev);
      return "more";
  }
}

/** The stream ended without turn_ended. */
function onStreamEnd(p: Progress): void {
  const { s } = p;
  // Closed by us: the client went away (nothing to render), or the account or the
  // relay went away under the turn (it fails, so the client gets an error, not silence).
  if (s.run.closed && s.run.error === undefined && s.state === "idle") {
    if (s.closedWith) throw s.closedWith;
    return;
  }
  finishTurn(p, p.handedOut > 0 ? "tool_use" : "end_turn");
}

async function pumpEvents(p: Progress): Promise<void> {
  for (;;) {
    // A client that is not reading gets nothing more until it has: the run then stops
    // reading Cursor's stream, and the output tokens counted are those sent to the client.
    const room = p.sink.whenWritable?.();
    if (room) {
      await room;
      p.pinger.seen();
    }
    // After a tool call, wait only toolGatherMs for more calls (no pings then); else as
    // long as the upstream takes.
    const r = p.handedOut > 0 ? await p.s.events.nextWithin(p.deps.toolGatherMs) : await p.s.events.next();
    p.pinger.seen();
    if (r === TIMEOUT) {
      p.deps.live.park(p.s);
      p.sink.end("tool_use");
      return;
    }
    if (r.done) return onStreamEnd(p);
    if (onEvent(p, r.value) === "done") return;
  }
}
