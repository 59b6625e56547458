import assert from "node:assert/strict";
import { test } from "node:test";
import { CheckpointBlobs } from "../../../app/sessions/checkpoint-blobs.ts";
import { createCheckpointStore, type CheckpointEntry } from "../../../app/sessions/checkpoint-store.ts";
import { ManualClock } from "../../support/manual-clock.ts";

const entry = (accountId: string, size = 10): CheckpointEntry => ({
  bytes: new Uint8Array(size),
  blobs: CheckpointBlobs.of([["ab", new Uint8Array(2)]]),
  accountId,
});

test("a checkpoint is returned only to its own account; another account's lookup deletes it", () => {
  const clock = new ManualClock();
  const store = createCheckpointStore({ clock });
  store.put("c1", entry("A"));
  assert.equal(store.ownerOf("c1"), "A");
  assert.equal(store.get("c1", "A")?.accountId, "A");
  assert.equal(store.get("c1", "B"), undefined);
  assert.equal(store.get("c1", "A"), undefined, "never replayed after another account asked");
  store.close();
});

test("entries expire 30 minutes after their last update (injected clock, swept by timer)", () => {
  const clock = new ManualClock();
  const store = createCheckpointStore({ clock });
  store.put("c1", entry("A"));
  clock.advance(29 * 60_000);
  store.put("c1", entry("A")); // an update restarts the TTL
  clock.advance(29 * 60_000);
  assert.equal(store.get("c1", "A")?.accountId, "A");
  store.put("c2", entry("A"));
  clock.advance(31 * 60_000);
  assert.equal(store.size, 0, "the sweeper removed both");
  assert.equal(store.bytes, 0);
  store.close();
});

test("bounded by entries and bytes, evicting the least recently used", () => {
  const clock = new ManualClock();
  const store = createCheckpointStore({ clock, maxEntries: 3, maxBytes: 1_000_000 });
  for (let i = 0; i < 5; i++) store.put(`c${i}`, entry("A"));
  assert.equal(store.size, 3);
  assert.equal(store.ownerOf("c0"), undefined);
  store.get("c2", "A"); // c2 becomes the most recent
  store.put("c5", entry("A"));
  assert.equal(store.ownerOf("c2"), "A");
  assert.equal(store.ownerOf("c3"), undefined);

  const small = createCheckpointStore({ clock, maxEntries: 100, maxBytes: 100 });
  small.put("a", entry("A", 40));
  small.put("b", entry("A", 40));
  small.put("c", entry("A", 40));
  assert.ok(small.bytes <= 100, `bytes ${small.bytes}`);
  assert.equal(small.ownerOf("a"), undefined);
  store.close();
  small.close();
});

test("deleteAccount drops every checkpoint of that account", () => {
  const store = createCheckpointStore({ clock: new ManualClock() });
  store.put("c1", entry("A"));
  store.put("c2", entry("B"));
  store.deleteAccount("A");
  assert.equal(store.ownerOf("c1"), undefined);
  assert.equal(store.ownerOf("c2"), "B");
  store.close();
});

test("10,000 conversations stay within the caps", () => {
  const store = createCheckpointStore({ clock: new ManualClock(), maxEntries: 2000, maxBytes: 4 * 1024 * 1024 });
  for (let i = 0; i < 10_000; i++) store.put(`c${i}`, entry("A", 1024));
  assert.equal(store.size, 2000);
  assert.ok(store.bytes <= 4 * 1024 * 1024);
  store.close();
});

test("blobs the run sets after the checkpoint was put count toward the byte cap, whatever order they arrive in", () => {
  const clock = new ManualClock();
  const store = createCheckpointStore({ clock, maxEntries: 100, maxBytes: 200 });
  const older = entry("A", 40); // 40 + 2 + 2 = 44 bytes
  store.put("older", older);
  const live = entry("A", 40);
  store.put("live", live);
  assert.equal(store.bytes, 88);
  // The server sets a blob the checkpoint needs after sending it: the run writes into the same map.
  live.blobs.set("cd", new Uint8Array(100));
  assert.equal(store.bytes, 88 + 102, "the new blob is counted");
  assert.equal(store.ownerOf("older"), "A", "still within the cap");
  older.blobs.set("ef", new Uint8Array(30));
  assert.ok(store.bytes <= 200, `bytes ${store.bytes} over the cap`);
  assert.equal(store.ownerOf("live"), undefined, "the least recently used other checkpoint went");
  assert.equal(store.ownerOf("older"), "A", "the checkpoint that grew stays");
  assert.equal(store.bytes, 44 + 32);
  // A replaced blob counts its new size only; a removed entry's map is no longer counted.
  older.blobs.set("ef", new Uint8Array(10));
  assert.equal(store.bytes, 44 + 12);
  store.delete("older");
  older.blobs.set("gh", new Uint8Array(50));
  assert.equal(store.bytes, 0);
  store.close();
});

test("a blob set after put reaches the persisted file too", async () => {
  const clock = new ManualClock();
  const saved: number[] = [];
  const persistence = {
    load: () => [],
    saved: (_id: string, e: CheckpointEntry) => void saved.push(e.blobs.size),
    removed: () => {},
    flush: async () => {},
    close: () => {},
  };
  const store = createCheckpointStore({ clock, persistence });
  const live = entry("A");
  store.put("c", live);
  live.blobs.set("cd", new Uint8Array(3));
  assert.deepEqual(saved, [1, 2], "saved again with the new blob");
  store.close();
});
