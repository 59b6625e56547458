// Checkpoints persisted in the data folder: a second store on the same folder (a relay
// restart) gets the entries back with their blobs, under the same TTL and bounds; writes
// wait for the debounce (nothing is written on the turn path) and close() writes the rest.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createCheckpointFiles, decodeCheckpointFile, encodeCheckpointFile } from "../../../app/sessions/checkpoint-files.ts";
import { CheckpointBlobs } from "../../../app/sessions/checkpoint-blobs.ts";
import { createCheckpointStore, type CheckpointEntry } from "../../../app/sessions/checkpoint-store.ts";
import { ManualClock } from "../../support/manual-clock.ts";

const entry = (accountId: string, fill = 1, size = 10): CheckpointEntry => ({
  bytes: new Uint8Array(size).fill(fill),
  blobs: CheckpointBlobs.of([
    ["blob-a", new Uint8Array([1, 2, 3])],
    ["blob-b", new Uint8Array(0)],
  ]),
  accountId,
});

function setup(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), "cr-ckpt-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, "checkpoints");
  const clock = new ManualClock();
  const open = (o: { maxEntries?: number } = {}) => {
    const persistence = createCheckpointFiles({ dir, clock, debounceMs: 500 });
    return { persistence, store: createCheckpointStore({ clock, persistence, ...o }) };
  };
  const files = () => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return { dir, clock, open, files };
}

test("a checkpoint and its blobs survive a restart; files 0600 in a 0700 folder", async (t) => {
  const { dir, clock, open, files } = setup(t);
  const first = open();
  first.store.put("conv-1", entry("A", 7));
  assert.deepEqual(files(), [], "nothing written on the turn path");
  clock.advance(500);
  await first.persistence.flush();
  assert.equal(files().length, 1);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, files()[0]!)).mode & 0o777, 0o600);
  first.store.close();

  const second = open();
  assert.equal(second.store.ownerOf("conv-1"), "A");
  const got = second.store.get("conv-1", "A")!;
  assert.deepEqual(got.bytes, new Uint8Array(10).fill(7));
  assert.deepEqual([...got.blobs], [...entry("A").blobs]);
  second.store.close();
});

test("updates within the debounce are written once, the newest wins; close() writes what is pending", async (t) => {
  const { clock, open, files } = setup(t);
  const first = open();
  first.store.put("c", entry("A", 1));
  clock.advance(200);
  first.store.put("c", entry("A", 2));
  first.store.put("d", entry("B", 3));
  assert.deepEqual(files(), []);
  first.store.close(); // a clean stop before the debounce fired
  assert.equal(files().length, 2);
  const second = open();
  assert.deepEqual(second.store.get("c", "A")!.bytes, new Uint8Array(10).fill(2));
  assert.equal(second.store.ownerOf("d"), "B");
  second.store.close();
});

test("the TTL counts from the last update across a restart: expired files are dropped at load", async (t) => {
  const { clock, open, files } = setup(t);
  const first = open();
  first.store.put("old", entry("A"));
  clock.advance(20 * 60_000);
  first.store.put("young", entry("A"));
  first.store.close();
  clock.advance(15 * 60_000); // old: 35 min, young: 15 min
  const second = open();
  assert.equal(second.store.ownerOf("old"), undefined);
  assert.equal(second.store.ownerOf("young"), "A");
  clock.advance(500);
  await second.persistence.flush();
  assert.equal(files().length, 1, "the expired file was removed");
  clock.advance(15 * 60_000);
  assert.equal(second.store.size, 0, "the loaded entry expires on schedule");
  second.store.close();
  assert.deepEqual(files(), []);
});

test("the bounds apply to what is loaded (most recent kept), and every removal removes the file", async (t) => {
  const { clock, open, files } = setup(t);
  const first = open();
  for (let i = 0; i < 4; i++) {
    first.store.put(`c${i}`, entry(i % 2 === 0 ? "A" : "B"));
    clock.advance(1000);
  }
  first.store.close();
  assert.equal(files().length, 4);
  const second = open({ maxEntries: 3 });
  assert.equal(second.store.size, 3);
  assert.equal(second.store.ownerOf("c0"), undefined, "the oldest is evicted");
  second.store.retainAccounts(new Set(["A"])); // B was removed while the relay was stopped: c1, c3
  assert.equal(second.store.get("c2", "B"), undefined, "another account's lookup deletes it");
  second.store.close();
  assert.deepEqual(files(), []);
});

test("stray temp files and unreadable files are removed at load; the codec rejects truncation", async (t) => {
  const { dir, clock, open, files } = setup(t);
  const first = open();
  first.store.put("good", entry("A"));
  first.store.close();
  writeFileSync(join(dir, ".x.ckpt.abc.tmp"), "partial");
  writeFileSync(join(dir, "Z2FyYmFnZQ.ckpt"), "garbage");
  const second = open();
  assert.equal(second.store.size, 1);
  assert.equal(files().length, 1);
  second.store.close();
  clock.advance(1);

  const encoded = encodeCheckpointFile({ conversationId: "c", updatedAt: 5, entry: entry("A") });
  assert.equal(decodeCheckpointFile(encoded).entry.accountId, "A");
  assert.throws(() => decodeCheckpointFile(encoded.subarray(0, encoded.length - 1)), /truncated/);
  assert.throws(() => decodeCheckpointFile(Buffer.concat([encoded, Buffer.from([0])])), /trailing/);
});

test("close() under a write still in flight: the newest change is what stays on disk, and no temp file once flush() resolved", async (t) => {
  const { clock, open, files } = setup(t);
  const { store } = open();
  store.put("conv-1", entry("A", 3));
  clock.advance(500); // the debounced write starts on the thread pool
  store.put("conv-1", entry("A", 4));
  store.close(); // writes the newest synchronously; the write in flight must not land over it
  await store.flush();
  assert.equal(files().length, 1, `only the checkpoint file: ${files().join(", ")}`);
  const again = open();
  assert.deepEqual(again.store.get("conv-1", "A")!.bytes, new Uint8Array(10).fill(4), "the newest change won");
  again.store.close();
});

test("the store's flush() resolves only when its persistence has flushed (the relay awaits it on stop)", async () => {
  let release!: () => void;
  const persisted = new Promise<void>((r) => (release = r));
  const persistence = { load: () => [], saved() {}, removed() {}, flush: () => persisted, close() {} };
  const store = createCheckpointStore({ clock: new ManualClock(), persistence });
  let flushed = false;
  const flushing = store.flush().then(() => (flushed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(flushed, false, "still waiting on the write in flight");
  release();
  await flushing;
  assert.equal(flushed, true);
  store.close();
});

test("a blob the run replaces with one of the same size after the put reaches the disk too", async (t) => {
  const { clock, open } = setup(t);
  const first = open();
  const e = entry("A", 5);
  first.store.put("conv-1", e);
  clock.advance(500);
  await first.persistence.flush();
  e.blobs.set("blob-a", new Uint8Array([7, 7, 7])); // was [1, 2, 3]
  clock.advance(500);
  await first.persistence.flush();
  first.store.close();
  const second = open();
  assert.deepEqual([...second.store.get("conv-1", "A")!.blobs.get("blob-a")!], [7, 7, 7]);
  second.store.close();
});
