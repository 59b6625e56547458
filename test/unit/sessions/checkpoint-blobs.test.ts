import assert from "node:assert/strict";
import { test } from "node:test";
import { blobCost, CheckpointBlobs } from "../../../app/sessions/checkpoint-blobs.ts";

test("CheckpointBlobs keeps its size in bytes through set, replace, delete and clear, and tells each watcher the change", () => {
  const blobs = CheckpointBlobs.of([["a", new Uint8Array(10)]]);
  assert.equal(blobs.bytes, blobCost("a", new Uint8Array(10)));
  const seen: number[] = [];
  const unwatch = blobs.watch((d) => seen.push(d));
  blobs.set("bb", new Uint8Array(5)); // +7
  blobs.set("a", new Uint8Array(4)); // 11 -> 5: -6
  blobs.set("a", new Uint8Array(4).fill(9)); // same size, new bytes: told (0) so it is saved again
  assert.equal(blobs.delete("nope"), false); // no change, no call
  assert.equal(blobs.delete("bb"), true); // -7
  assert.deepEqual(seen, [7, -6, 0, -7]);
  assert.equal(blobs.bytes, 5);
  unwatch();
  blobs.clear();
  assert.deepEqual(seen, [7, -6, 0, -7], "an unwatched watcher hears nothing");
  assert.equal(blobs.bytes, 0);
  assert.equal(blobs.size, 0);
});

test("CheckpointBlobs.of copies: the replaying run's map is its own, the stored one does not change", () => {
  const stored = CheckpointBlobs.of([["a", new Uint8Array(1)]]);
  const copy = CheckpointBlobs.of(stored);
  copy.set("b", new Uint8Array(1));
  assert.deepEqual([...stored.keys()], ["a"]);
  assert.deepEqual([...copy.keys()], ["a", "b"]);
  assert.ok(copy instanceof Map, "the Cursor run takes it as its plain blob store");
});
