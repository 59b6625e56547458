// The drift table itself: counts with injected time, short printable keys, a cap on
// entries, and the walk that finds unknown fields at any depth of a decoded message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { InteractionUpdateSchema, TextDeltaUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { createDriftCounters, drift, noteUnknownFields } from "../../../app/cursor/drift.ts";

test("counts, first and last seen with an injected clock; keys are sanitised", () => {
  let now = 1000;
  const d = createDriftCounters(() => now);
  d.note("unclassified_error", "failed_precondition");
  now = 2000;
  d.note("unclassified_error", "failed_precondition");
  d.note("end_of_stream", "weird shape\nwith <html>");
  assert.deepEqual(d.entries(), [
    { kind: "unclassified_error", key: "failed_precondition", count: 2, firstSeenAt: 1000, lastSeenAt: 2000 },
    { kind: "end_of_stream", key: "weird_shape_with__html_", count: 1, firstSeenAt: 2000, lastSeenAt: 2000 },
  ]);
  assert.equal(d.total(), 3);
  d.reset();
  assert.deepEqual(d.entries(), []);
});

test("the table is capped so a flood of new keys cannot grow it without bound", () => {
  const d = createDriftCounters(() => 0);
  for (let i = 0; i < 1000; i++) d.note("unknown_field", `T#${i}`);
  assert.equal(d.entries().length, 200);
});

test("noteUnknownFields finds unknown fields in nested messages and returns the message", () => {
  drift.reset();
  const inner = new BinaryWriter().tag(77, WireType.LengthDelimited).bytes(new TextEncoder().encode("payload")).finish();
  const text = toBinary(TextDeltaUpdateSchema, create(TextDeltaUpdateSchema, { text: "hi" }));
  const withInner = new Uint8Array([...text, ...inner]);
  const update = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(withInner).finish();
  const decoded = fromBinary(InteractionUpdateSchema, update);
  assert.equal(noteUnknownFields(decoded), decoded);
  assert.deepEqual(drift.entries().map((e) => [e.kind, e.key, e.count]), [["unknown_field", "TextDeltaUpdate#77", 1]]);
  drift.reset();
});
