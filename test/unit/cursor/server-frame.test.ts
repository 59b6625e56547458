import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { decodeServerFrame, describeToolCallUpdate, updateToEvents } from "../../../app/cursor/server-frame.ts";
import type { CursorEvent } from "../../../app/cursor/types.ts";
import { fromHex, toHex, wireFields } from "./wire-fields.ts";

const envelopePayload = (h: string) => {
  const b = fromHex(h);
  assert.equal(Buffer.from(b).readUInt32BE(1), b.length - 5);
  return b.subarray(5);
};
const eventsOf = (h: string): CursorEvent[] =>
  decodeServerFrame(fromBinary(AgentServerFrameSchema, envelopePayload(h))).flatMap((p) =>
    p.kind === "update" ? updateToEvents(p.update) : [],
  );

test("docs/protocol.md §4.16 interaction updates decode to events", () => {
  assert.deepEqual(eventsOf("000000000b0a090a070a0548656c6c6f"), [{ type: "text", text: "Hello" }]);
  assert.deepEqual(eventsOf("00000000090a0722050a03686d6d"), [{ type: "thinking", text: "hmm" }]);
  assert.deepEqual(eventsOf("00000000060a042a020878"), [{ type: "thinking_done", durationMs: 120 }]);
  assert.deepEqual(eventsOf("00000000060a0442020805"), [{ type: "tokens", tokens: 5 }]);
  assert.deepEqual(eventsOf("00000000040a026a00"), []); // heartbeat
  assert.deepEqual(eventsOf("00000000040a027200"), [{ type: "turn_ended" }]);
});

test("a frame carrying a KV request AND a trailing interaction update yields both", () => {
  // kv get (field 4) followed by a text delta (field 1) in the same AgentServerMessage
  const kv = "2226080112220a20" + "ab".repeat(32);
  const text = "0a090a070a0548656c6c6f";
  const parts = decodeServerFrame(fromBinary(AgentServerFrameSchema, fromHex(kv + text)));
  assert.deepEqual(parts.map((p) => p.kind).sort(), ["kv", "update"]);
  // and an exec + checkpoint + update together
  const exec = "120c080152007a06657865632d31";
  const ckpt = "1a03" + "0a0101";
  const all = decodeServerFrame(fromBinary(AgentServerFrameSchema, fromHex(text + exec + ckpt)));
  assert.deepEqual(all.map((p) => p.kind), ["update", "exec", "checkpoint"]);
  assert.equal(toHex((all[2] as { bytes: Uint8Array }).bytes), "0a0101");
});

test("a garbled member is reported as undecodable without hiding the others", () => {
  const parts = decodeServerFrame(fromBinary(AgentServerFrameSchema, fromHex("0a02ffff" + "120c080152007a06657865632d31")));
  assert.deepEqual(parts.map((p) => p.kind), ["undecodable", "exec"]);
});

interface FixtureRecord {
  event_type: "partial_tool_call" | "tool_call_started" | "tool_call_completed";
  raw_hex: string;
  python_parsed: { call_id?: string; model_call_id?: string };
}

const records = JSON.parse(readFileSync(new URL("../../fixtures/cursor/toolcalls.json", import.meta.url), "utf8")) as FixtureRecord[];
const IU_FIELD = { partial_tool_call: 7, tool_call_started: 2, tool_call_completed: 3 } as const;
const CASE = { partial_tool_call: "partialToolCall", tool_call_started: "toolCallStarted", tool_call_completed: "toolCallCompleted" } as const;
// ToolCall oneof field → generated case name, for the kinds the capture contains (docs/protocol.md §12)
const KIND_BY_FIELD: Record<number, string> = {
  1: "shellToolCall", 3: "deleteToolCall", 4: "globToolCall", 5: "grepToolCall", 8: "readToolCall", 9: "updateTodosToolCall",
  12: "editToolCall", 13: "lsToolCall", 16: "semSearchToolCall", 20: "listMcpResourcesToolCall", 21: "readMcpResourceToolCall",
};

test(`all ${records.length} toolcalls.json records decode as InteractionUpdate payloads`, () => {
  assert.equal(records.length, 161);
  const kinds = new Map<string, number>();
  for (const [i, r] of records.entries()) {
    const payload = fromHex(r.raw_hex);
    // raw_hex is the payload of the IU member: wrap it in its IU field and decode with the schema
    const iuBytes = wrapIu(IU_FIELD[r.event_type], payload);
    const iu = fromBinary(InteractionUpdateSchema, iuBytes);
    assert.equal(iu.message.case, CASE[r.event_type], `record ${i}`);
    const d = describeToolCallUpdate(iu)!;
    assert.ok(d, `record ${i}`);
    if (r.python_parsed.call_id) assert.equal(d.callId, r.python_parsed.call_id, `record ${i} call id`);
    if (r.python_parsed.model_call_id) assert.equal(d.modelCallId, r.python_parsed.model_call_id, `record ${i} model call id`);
    assert.match(d.callId, /^call_\d+$|^toolu_|^[\w-]+$/);

    // the ToolCall kind must equal the first field of the raw tool_call bytes (field 2 of the payload)
    const rawToolCall = wireFields(payload).find((f) => f.no === 2);
    if (rawToolCall && rawToolCall.data.length > 0) {
      const fieldNo = wireFields(rawToolCall.data)[0]!.no;
      const expected = KIND_BY_FIELD[fieldNo] ?? `unknown:${fieldNo}`;
      assert.equal(d.kind, expected, `record ${i} kind`);
      // unknown kinds (37) survive as unknown fields and re-encode byte for byte
      if (expected.startsWith("unknown:")) {
        assert.equal(toHex(toBinary(InteractionUpdateSchema, iu)), toHex(iuBytes), `record ${i} round trip`);
      }
      kinds.set(d.kind!, (kinds.get(d.kind!) ?? 0) + 1);
    }
    // never produces client events
    assert.deepEqual(updateToEvents(iu), []);
  }
  assert.ok(kinds.has("unknown:37"), "the capture's unknown kind 37 is seen");
  for (const k of ["shellToolCall", "readToolCall", "editToolCall", "lsToolCall", "grepToolCall"]) assert.ok(kinds.has(k), k);
});

test("completed read tool calls carry their result (content, total_lines)", () => {
  let checked = 0;
  for (const r of records.filter((x) => x.event_type === "tool_call_completed")) {
    const payload = fromHex(r.raw_hex);
    const iu = fromBinary(InteractionUpdateSchema, wrapIu(3, payload));
    const d = describeToolCallUpdate(iu)!;
    if (d.toolCall?.tool.case !== "readToolCall") continue;
    const result = d.toolCall.tool.value.result;
    assert.ok(result, "completed read has a result");
    if (result.result.case === "success") {
      const s = result.result.value;
      assert.ok(s.totalLines >= 0);
      checked++;
    }
  }
  assert.ok(checked > 0, "at least one read success in the capture");
});

/** The fixture payload wrapped in its InteractionUpdate field (framing via the library's writer). */
function wrapIu(field: number, payload: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(field, WireType.LengthDelimited).bytes(payload).finish();
}
