import { test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { lenientTextDelta } from "../../../app/cursor/lenient-text.ts";
import { decodeServerFrame } from "../../../app/cursor/server-frame.ts";

/** InteractionUpdate{<field>: {text(1): <raw bytes>}} written by hand so the string can be invalid UTF-8. */
const withRawText = (field: number, raw: number[]) => Uint8Array.from([(field << 3) | 2, raw.length + 2, 0x0a, raw.length, ...raw]);

test("text and thinking deltas with invalid UTF-8 are read with U+FFFD; decodeServerFrame marks the repair", () => {
  const text = withRawText(1, [0x6f, 0x6b, 0xc3, 0x28]);
  assert.deepEqual(lenientTextDelta(text)?.message, { case: "textDelta", value: create(InteractionUpdateSchema, { message: { case: "textDelta", value: { text: "ok\uFFFD(" } } }).message.value });
  const thinking = lenientTextDelta(withRawText(4, [0xff]));
  assert.equal(thinking?.message.case, "thinkingDelta");
  assert.equal(thinking?.message.case === "thinkingDelta" && thinking.message.value.text, "\uFFFD");

  const [part] = decodeServerFrame({ interactionUpdate: text } as Parameters<typeof decodeServerFrame>[0]);
  assert.equal(part?.kind, "update");
  assert.equal(part?.kind === "update" && part.utf8Replaced, true);
});

test("other members and garbage are not repaired: they stay undecodable", () => {
  // A tool_call_started (2) member with an invalid string inside is not a text delta.
  assert.equal(lenientTextDelta(withRawText(2, [0xc3, 0x28])), undefined);
  assert.equal(lenientTextDelta(Uint8Array.from([0x0a, 0x50, 0x01])), undefined, "a length past the end");
  const valid = toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, { message: { case: "heartbeat", value: {} } }));
  assert.equal(lenientTextDelta(valid), undefined);
  const [part] = decodeServerFrame({ interactionUpdate: Uint8Array.from([0x0a, 0x50, 0x01]) } as Parameters<typeof decodeServerFrame>[0]);
  assert.equal(part?.kind, "undecodable");
});
