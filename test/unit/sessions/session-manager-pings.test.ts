// Keep-alive pings while the upstream is silent, and the tool-call gather window, through
// the injected clock: a ping after every pingIntervalMs without an upstream event (not
// counted from the turn's start), none while tool calls are being gathered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, CursorRun } from "../../../app/cursor/types.ts";
import type { SinkEvent, StopReason, TurnSink } from "../../../app/sessions/turn-sink.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { sessionRig } from "../../support/session-rig.ts";
import { simpleTurnInput } from "../../support/turn-input.ts";

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const clock = new ManualClock();
  const queue = new AsyncQueue<CursorEvent>();
  let closed = false;
  const run: CursorRun = {
    events: queue,
    sendToolResult() {},
    close() {
      closed = true;
      queue.end();
    },
    error: undefined,
    get closed() {
      return closed;
    },
  };
  const cursor: CursorClient = { run: () => run, getUsableModels: async () => [], resolveModelId: async () => "composer-2" };
  const { sessions, checkpoints } = sessionRig(cursor, { clock, pingIntervalMs: 10_000, toolGatherMs: 150 });
  const log: string[] = [];
  let contentStarted = false;
  const sink: TurnSink = {
    get contentStarted() {
      return contentStarted;
    },
    handle(e: SinkEvent) {
      if (e.type === "text" || e.type === "tool_call") contentStarted = true;
      log.push(`${e.type}@${clock.now() - t0}`);
    },
    end: (r: StopReason) => log.push(`end:${r}@${clock.now() - t0}`),
    fail: (e) => log.push(`fail:${e.status}`),
    ping: () => log.push(`ping@${clock.now() - t0}`),
  };
  const t0 = clock.now();
  const input = simpleTurnInput();
  const done = sessions.runTurn(input, sink);
  return { clock, queue, log, done, sessions, checkpoints };
}

test("a ping after every 10 s of upstream silence, counted from the last event", async () => {
  const { clock, queue, log, done, sessions, checkpoints } = setup();
  await settle();
  clock.advance(9_999);
  await settle();
  assert.deepEqual(log, []);
  clock.advance(1);
  await settle();
  assert.deepEqual(log, ["ping@10000"]);
  clock.advance(3_000);
  queue.push({ type: "text", text: "hello" });
  await settle();
  clock.advance(9_999); // 10 s after the text is at 23 000
  await settle();
  assert.deepEqual(log, ["ping@10000", "text@13000"]);
  clock.advance(1);
  await settle();
  clock.advance(10_000);
  await settle();
  assert.deepEqual(log, ["ping@10000", "text@13000", "ping@23000", "ping@33000"]);
  queue.push({ type: "turn_ended" });
  await done;
  assert.equal(log.at(-1), "end:end_turn@33000");
  clock.advance(60_000);
  await settle();
  assert.equal(log.at(-1), "end:end_turn@33000", "no ping after the turn ended");
  sessions.close();
  checkpoints.close();
});

test("after a tool call: no ping, the response ends with tool_use once toolGatherMs pass without another call", async () => {
  const { clock, queue, log, done, sessions, checkpoints } = setup();
  await settle();
  queue.push({ type: "tool_call", call: { execId: 1, execIdString: "e1", toolCallId: "t1", name: "Bash", argsJson: "{}" } });
  await settle();
  clock.advance(149);
  await settle();
  assert.deepEqual(log, ["tool_call@0"]);
  clock.advance(1);
  await done;
  assert.deepEqual(log, ["tool_call@0", "end:tool_use@150"]);
  clock.advance(20_000);
  await settle();
  assert.deepEqual(log, ["tool_call@0", "end:tool_use@150"], "a parked stream does not ping the finished response");
  sessions.close();
  checkpoints.close();
});
