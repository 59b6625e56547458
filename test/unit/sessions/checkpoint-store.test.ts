import assert from "node:assert/strict";
import { test } from "node:test";
import { createCheckpointStore, type CheckpointEntry } from "../../../app/sessions/checkpoint-store.ts";
import { ManualClock } from "../../support/manual-clock.ts";

const entry = (accountId: string, size = 10): CheckpointEntry => ({
  bytes: new Uint8Array(size),
  blobs: new Map([["ab", new Uint8Array(2)]]),
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
