import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import { createEventPuller, TIMEOUT } from "../../../app/sessions/event-puller.ts";
import { createSilencePinger } from "../../../app/sessions/silence-pinger.ts";
import { ManualClock } from "../../support/manual-clock.ts";

const tick = () => new Promise((r) => setImmediate(r));

test("a pull that times out is not lost: the next call gets that event", async () => {
  const clock = new ManualClock();
  const q = new AsyncQueue<number>();
  const puller = createEventPuller(q, clock);
  const first = puller.nextWithin(100);
  clock.advance(100);
  assert.equal(await first, TIMEOUT);
  q.push(7);
  assert.deepEqual(await puller.next(), { value: 7, done: false });
  q.push(8);
  assert.deepEqual(await puller.nextWithin(100), { value: 8, done: false });
  q.end();
  assert.equal((await puller.next()).done, true);
});

test("a failure while nobody pulls is kept for the next pull (no unhandled rejection)", async () => {
  const clock = new ManualClock();
  const q = new AsyncQueue<number>();
  const puller = createEventPuller(q, clock);
  const waiting = puller.nextWithin(10);
  clock.advance(10);
  assert.equal(await waiting, TIMEOUT);
  q.fail(new Error("reset"));
  await tick();
  await assert.rejects(puller.next(), /reset/);
});

test("the pinger pings once per silent interval, not after events, and not while paused", () => {
  const clock = new ManualClock();
  let pings = 0;
  const p = createSilencePinger(clock, 1000, () => pings++);
  clock.advance(999);
  assert.equal(pings, 0);
  clock.advance(1);
  assert.equal(pings, 1);
  clock.advance(600);
  p.seen();
  clock.advance(900);
  assert.equal(pings, 1, "an event restarted the silence");
  clock.advance(100);
  assert.equal(pings, 2);
  p.pause(true);
  clock.advance(5000);
  assert.equal(pings, 2);
  p.pause(false);
  clock.advance(1000);
  assert.equal(pings, 3);
  p.stop();
  clock.advance(10_000);
  assert.equal(pings, 3);
  assert.equal(clock.pending, 0);
});
