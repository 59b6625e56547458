// Backpressure inside the relay: the session pulls no further event while the client's
// sink says it is full, and a Run's event queue tells its reader when the consumer has
// caught up, so the reader can stop reading Cursor's stream meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, CursorRun } from "../../../app/cursor/types.ts";
import type { SinkEvent, TurnSink } from "../../../app/sessions/turn-sink.ts";
import { fixedAccountPool, sessionRig } from "../../support/session-rig.ts";
import { simpleTurnInput } from "../../support/turn-input.ts";

const tick = () => new Promise((r) => setImmediate(r));

test("AsyncQueue.whenRoom: none needed below the mark; resolves once the consumer took enough, or on end/clear", async () => {
  const q = new AsyncQueue<number>();
  assert.equal(q.whenRoom(2), undefined);
  q.push(1);
  q.push(2);
  q.push(3);
  let released = false;
  void q.whenRoom(2)!.then(() => (released = true));
  await q.next();
  await tick();
  assert.equal(released, false, "2 still wait");
  await q.next();
  await tick();
  assert.equal(released, true, "1 waits: below the mark");

  q.push(4);
  q.push(5);
  let cleared = false;
  void q.whenRoom(1)!.then(() => (cleared = true));
  q.clear();
  await tick();
  assert.equal(cleared, true);

  q.push(6);
  q.push(7);
  let ended = false;
  void q.whenRoom(1)!.then(() => (ended = true));
  q.end();
  await tick();
  assert.equal(ended, true);
  assert.equal(q.whenRoom(1), undefined, "an ended queue never makes a producer wait");
});

test("the session pulls no event while the client's sink is full, and counts only the tokens it handed over", async () => {
  const events = new AsyncQueue<CursorEvent>();
  const run: CursorRun = { events, sendToolResult() {}, close: () => events.end(), error: undefined, closed: false };
  const cursor: CursorClient = { run: () => run, getUsableModels: async () => [], resolveModelId: async () => "composer-2" };
  let counted = 0;
  const pool = fixedAccountPool({ recordUsage: (_id, t) => void (counted += t.output ?? 0) });
  const { sessions } = sessionRig(cursor, { pool });
  const handled: SinkEvent[] = [];
  let full: { promise: Promise<void>; drain: () => void } | null = null;
  const sink: TurnSink = {
    get contentStarted() {
      return handled.length > 0;
    },
    handle: (ev) => handled.push(ev),
    end() {},
    fail() {},
    ping() {},
    whenWritable: () => full?.promise,
  };
  const input = simpleTurnInput();
  const turn = sessions.runTurn(input, sink);
  events.push({ type: "text", text: "a" });
  events.push({ type: "tokens", tokens: 1 });
  await tick();
  assert.equal(handled.length, 2);
  let drain!: () => void;
  full = { promise: new Promise<void>((r) => (drain = r)), drain: () => drain() };
  for (let i = 0; i < 5; i++) {
    events.push({ type: "text", text: "b" });
    events.push({ type: "tokens", tokens: 1 });
  }
  await tick();
  await tick();
  assert.equal(handled.length, 3, "one event pulled before the sink said it was full, then none");
  assert.equal(events.size, 9, "the rest waits in the Run's queue (its reader stops reading Cursor past the mark)");
  assert.equal(counted, 1, "tokens not handed to the client are not counted");
  full.drain();
  full = null;
  events.push({ type: "turn_ended" });
  await turn;
  assert.equal(handled.length, 12);
  assert.equal(counted, 6);
  sessions.close();
});
