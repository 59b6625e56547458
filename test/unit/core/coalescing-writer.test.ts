// The one debounced JSON-file writer (state.json, threads.json, quota.json): coalesced,
// debounced on the injected clock, written off the caller's turn at 0600, and stop()
// leaves the newest value on disk even when a write was still in flight.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { atomicFileWrites, createCoalescingWriter, type AtomicFileWrites } from "../../../app/base/coalescing-writer.ts";
import { ManualClock } from "../../support/manual-clock.ts";

function setup(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "cr-coalesce-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "sub", "file.json");
  const seen = { writes: 0, syncWrites: 0, fail: false, lastWrite: Promise.resolve() as Promise<unknown> };
  const files: AtomicFileWrites = {
    write(p, data, stillWanted) {
      seen.writes++;
      const written = seen.fail ? Promise.reject(new Error("disk full")) : atomicFileWrites.write(p, data, stillWanted);
      seen.lastWrite = written.catch(() => {});
      return written;
    },
    writeSync(p, data) {
      seen.syncWrites++;
      atomicFileWrites.writeSync(p, data);
    },
  };
  const read = () => JSON.parse(readFileSync(path, "utf8")) as unknown;
  return { dir, path, seen, files, read };
}

test("many schedules within the debounce become one write of the newest value, at 0600, off the caller's turn", async (t) => {
  const { path, seen, files, read } = setup(t);
  const clock = new ManualClock();
  const w = createCoalescingWriter<{ n: number }>({ path, clock, debounceMs: 1000, files });
  let n = 0;
  for (let i = 0; i < 100; i++) w.schedule(() => ({ n: ++n }));
  clock.advance(999);
  assert.equal(seen.writes, 0);
  clock.advance(1);
  assert.equal(seen.writes, 1, "one write for the window");
  assert.equal(n, 1, "the producer runs once, when the write starts");
  assert.equal(existsSync(path), false, "nothing on disk on the caller's turn");
  await w.flush();
  assert.deepEqual(read(), { n: 1 });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  await w.flush();
  assert.equal(seen.writes, 1, "a flush with nothing pending writes nothing");
  w.stop();
  assert.equal(seen.syncWrites, 0, "stop with nothing pending writes nothing");
  assert.equal(clock.pending, 0);
});

test("a value scheduled while a write runs is written next; stop() writes what is pending or in flight synchronously and nothing lands after it", async (t) => {
  const { path, seen, files, read } = setup(t);
  const w = createCoalescingWriter<number>({ path, files });
  w.schedule(1);
  w.schedule(2);
  assert.equal(seen.writes, 1, "with no debounce the write starts at once");
  await w.flush();
  assert.equal(read(), 2, "the value scheduled meanwhile followed");
  assert.equal(seen.writes, 2);

  w.schedule(3); // in flight now
  w.stop();
  assert.equal(read(), 3, "stop wrote the in-flight value itself");
  w.schedule(4);
  await w.flush();
  assert.equal(read(), 3, "the write that was in flight did not land over it, and nothing is written after stop");
  assert.equal(seen.syncWrites, 1);
});

test("a failed write is reported and tried again after the debounce; flush after stop writes nothing", async (t) => {
  const { path, seen, files, read } = setup(t);
  const clock = new ManualClock();
  const errors: unknown[] = [];
  let written = 0;
  const w = createCoalescingWriter<string>({ path, clock, debounceMs: 500, files, onError: (e) => errors.push(e), onWritten: () => written++ });
  seen.fail = true;
  w.schedule("a");
  clock.advance(500);
  await w.flush();
  assert.equal(errors.length, 1);
  assert.equal(w.pending, true, "kept for the retry");
  seen.fail = false;
  clock.advance(500);
  await w.flush();
  assert.equal(read(), "a");
  assert.equal(written, 1);
  assert.equal(w.pending, false);
  w.stop();
  assert.equal(clock.pending, 0);
});

test("writeNow() is on disk when it returns, and an older write still in flight does not land over it", async (t) => {
  const { path, seen, files, read } = setup(t);
  const clock = new ManualClock();
  const w = createCoalescingWriter<string>({ path, clock, debounceMs: 1000, files });
  w.schedule("usage");
  clock.advance(1000); // "usage" is in flight
  w.writeNow("cooldown");
  assert.equal(read(), "cooldown");
  await w.flush();
  assert.equal(read(), "cooldown", "the older write was dropped at its rename");
  assert.deepEqual([seen.writes, seen.syncWrites], [1, 1]);
  w.schedule("later");
  await w.flush();
  assert.equal(read(), "later", "writes after it land as usual");
  w.stop();
  assert.equal(clock.pending, 0);
});

test("with a debounce, a value scheduled while a write runs waits for the next window: at most one write per window under steady scheduling", async (t) => {
  const { path, seen, files, read } = setup(t);
  const clock = new ManualClock();
  const w = createCoalescingWriter<number>({ path, clock, debounceMs: 1000, files });
  w.schedule(1);
  clock.advance(1000);
  assert.equal(seen.writes, 1);
  w.schedule(2); // during the write
  await seen.lastWrite; // the first write lands
  await new Promise((r) => setImmediate(r)); // and the writer has seen it land
  assert.equal(seen.writes, 1, "not written back to back");
  clock.advance(999);
  assert.equal(seen.writes, 1);
  clock.advance(1);
  assert.equal(seen.writes, 2, "written when its window ends");
  await w.flush();
  assert.equal(read(), 2);
  w.schedule(3);
  await w.flush();
  assert.equal(read(), 3, "flush writes what is scheduled without waiting for the window");
  w.stop();
  assert.equal(clock.pending, 0);
});

test("without a debounce, a value whose write failed is written by stop(); an error after a newer synchronous write is not reported", async (t) => {
  const { path, seen, files, read } = setup(t);
  const errors: unknown[] = [];
  const w = createCoalescingWriter<string>({ path, files, onError: (e) => errors.push(e) });
  seen.fail = true;
  w.schedule("lost?");
  await w.flush();
  assert.equal(errors.length, 1);
  seen.fail = false;
  w.stop();
  assert.equal(read(), "lost?", "the failed value reached the disk on stop");

  const w2 = createCoalescingWriter<string>({ path, files, onError: (e) => errors.push(e) });
  seen.fail = true;
  w2.schedule("older");
  w2.writeNow("newer"); // lands while the older write is failing
  await w2.flush();
  assert.equal(errors.length, 1, "the file is good: no second error");
  assert.equal(read(), "newer");
  w2.stop();
});
