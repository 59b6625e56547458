import { test } from "node:test";
import assert from "node:assert/strict";
import { create, equals, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ExecServerMessageSchema,
  InteractionQuerySchema,
  McpToolDefinitionSchema,
  type ExecServerMessage,
} from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { answerExec, answerInteractionQuery, answerKv, REJECTION_REASON, toolResultFrame } from "../../../app/cursor/exec-replies.ts";
import { decodeServerFrame } from "../../../app/cursor/server-frame.ts";
import { toMcpToolDefinition } from "../../../app/cursor/request-builder.ts";
import type { BlobStore } from "../../../app/cursor/types.ts";
import { fieldNumbersAt, fromHex, toHex, wireFields } from "./wire-fields.ts";

/** Decodes a docs/protocol.md §4.16 server envelope (hex incl. the 5-byte prefix) into its parts. */
function serverParts(envelopeHex: string) {
  const bytes = fromHex(envelopeHex);
  assert.equal(bytes[0], 0);
  const len = Buffer.from(bytes).readUInt32BE(1);
  assert.equal(len, bytes.length - 5);
  return decodeServerFrame(fromBinary(AgentServerFrameSchema, bytes.subarray(5)));
}

const frameHex = (f: Parameters<typeof toBinary<typeof AgentClientFrameSchema>>[1]) => toHex(toBinary(AgentClientFrameSchema, f));
const tools = [toMcpToolDefinition({ name: "read", description: "Read a file", inputSchema: { type: "object" } })];

function execOf(init: MessageInitShape<typeof ExecServerMessageSchema>): ExecServerMessage {
  return fromBinary(ExecServerMessageSchema, toBinary(ExecServerMessageSchema, create(ExecServerMessageSchema, init)));
}

test("docs/protocol.md §4.16 mcp_args exec becomes a tool call with tool_name, ids and Value-decoded args", () => {
  const parts = serverParts(
    "00000000401" +
      "23e08025a320a047265616412130a0470617468120b1a09524541444d452e6d641a08746f6f6c755f3031220570726f78792a04726561647a06657865632d32",
  );
  assert.equal(parts.length, 1);
  const p = parts[0]!;
  assert.equal(p.kind, "exec");
  const out = answerExec((p as { exec: ExecServerMessage }).exec, tools);
  assert.equal(out.kind, "tool_call");
  assert.deepEqual((out as { call: unknown }).call, {
    execId: 2,
    execIdString: "exec-2",
    toolCallId: "toolu_01",
    name: "read",
    argsJson: '{"path":"README.md"}',
  });
});

test("tool name falls back to `name`; args: Value, raw JSON, plain string, none → {}", () => {
  const enc = new TextEncoder();
  const exec = execOf({
    id: 5,
    execId: "e5",
    message: {
      case: "mcpArgs",
      value: {
        name: "fallback",
        toolName: "",
        toolCallId: "call-1\nfc_2",
        args: {
          v: fromHex("1a026869"), // Value string_value "hi"
          j: enc.encode('{"a":[1,2]}'),
          s: enc.encode("plain text"),
        },
      },
    },
  });
  const out = answerExec(exec, tools);
  assert.equal(out.kind, "tool_call");
  const call = (out as { call: { name: string; argsJson: string; toolCallId: string } }).call;
  assert.equal(call.name, "fallback");
  assert.equal(call.toolCallId, "call-1\nfc_2");
  assert.deepEqual(JSON.parse(call.argsJson), { v: "hi", j: { a: [1, 2] }, s: "plain text" });

  const none = answerExec(execOf({ id: 6, message: { case: "mcpArgs", value: { name: "t" } } }), tools);
  assert.equal((none as { call: { argsJson: string } }).call.argsJson, "{}");
});

test("tool result frame matches the docs/protocol.md §4.16 hex; is_error is forwarded", () => {
  const call = { execId: 2, execIdString: "exec-2", toolCallId: "toolu_01", name: "read", argsJson: "{}" };
  // Same fields and bytes as docs/protocol.md §4.16; protobuf-es writes exec_id (15) after the
  // result (11), the example before it — field order carries no meaning on the wire.
  const ours = toBinary(AgentClientFrameSchema, toolResultFrame(call, { text: "file contents", isError: false }));
  const reference = fromHex("122108027a06657865632d325a150a130a110a0f0a0d66696c6520636f6e74656e7473");
  assert.equal(ours.length, reference.length);
  assert.ok(equals(AgentClientFrameSchema, fromBinary(AgentClientFrameSchema, ours), fromBinary(AgentClientFrameSchema, reference)));
  const errBytes = toBinary(AgentClientFrameSchema, toolResultFrame(call, { text: "boom", isError: true }));
  // exec_client_message(2) → mcp_result(11) → success(1) → content(1) + is_error(2)
  assert.deepEqual(fieldNumbersAt(errBytes, [2, 11, 1]), [1, 2]);
  // A call the relay refused: mcp_result(11) → rejected(3) → reason(1).
  const refused = toBinary(AgentClientFrameSchema, toolResultFrame(call, { text: "not allowed", isError: true, rejected: true }));
  assert.deepEqual(fieldNumbersAt(refused, [2, 11]), [3]);
  assert.deepEqual(fieldNumbersAt(refused, [2, 11, 3]), [1]);
});

test("docs/protocol.md §4.16 request_context_args → request_context_result.success with the tool definitions", () => {
  const parts = serverParts("000000000e120c080152007a06657865632d31");
  const out = answerExec((parts[0] as { exec: ExecServerMessage }).exec, tools);
  assert.equal(out.kind, "reply");
  const bytes = toBinary(AgentClientFrameSchema, (out as { frame: Parameters<typeof frameHex>[0] }).frame);
  assert.deepEqual(fieldNumbersAt(bytes, [2]), [1, 10, 15]);
  assert.deepEqual(fieldNumbersAt(bytes, [2, 10]), [1]); // success
  assert.deepEqual(fieldNumbersAt(bytes, [2, 10, 1]), [1]); // request_context
  assert.deepEqual(fieldNumbersAt(bytes, [2, 10, 1, 1]), [7]); // tools
  const rc = wireFields(wireFields(wireFields(wireFields(bytes)[0]!.data).find((f) => f.no === 10)!.data)[0]!.data)[0]!.data;
  const toolBytes = wireFields(rc)[0]!.data;
  assert.equal(toHex(toolBytes), toHex(toBinary(McpToolDefinitionSchema, tools[0]!)));
});

// args field → [result field, result oneof field] (docs/protocol.md §4.11 table)
const NATIVE: [string, MessageInitShape<typeof ExecServerMessageSchema>["message"], number, number | undefined][] = [
  ["shell", { case: "shellArgs", value: { command: "ls", workingDirectory: "/" } }, 2, 4],
  ["write", { case: "writeArgs", value: { path: "/a" } }, 3, 6],
  ["delete", { case: "deleteArgs", value: { path: "/a" } }, 4, 6],
  ["grep", { case: "grepArgs", value: { pattern: "x" } }, 5, 2],
  ["read", { case: "readArgs", value: { path: "/etc/hosts" } }, 7, 3],
  ["ls", { case: "lsArgs", value: { path: "/" } }, 8, 3],
  ["diagnostics", { case: "diagnosticsArgs", value: { path: "/a" } }, 9, undefined],
  ["shell_stream (answered on shell_result)", { case: "shellStreamArgs", value: { command: "ls" } }, 2, 4],
  ["background spawn", { case: "backgroundShellSpawnArgs", value: { command: "sleep 1" } }, 16, 3],
  ["list mcp resources", { case: "listMcpResourcesExecArgs", value: {} }, 17, 3],
  ["read mcp resource", { case: "readMcpResourceExecArgs", value: { uri: "u://x" } }, 18, 3],
  ["fetch", { case: "fetchArgs", value: { url: "https://x" } }, 20, 2],
  ["record screen", { case: "recordScreenArgs", value: {} }, 21, 4],
  ["computer use", { case: "computerUseArgs", value: {} }, 22, 2],
  ["write shell stdin", { case: "writeShellStdinArgs", value: { shellId: 1, chars: "y" } }, 23, 2],
];

for (const [label, message, resultField, oneofField] of NATIVE) {
  test(`native exec ${label} → result field ${resultField}, variant ${oneofField ?? "(empty)"}, ids echoed`, () => {
    const out = answerExec(execOf({ id: 9, execId: "exec-9", message }), tools);
    assert.equal(out.kind, "reply");
    const reply = out as { frame: Parameters<typeof frameHex>[0]; field: number };
    assert.equal(reply.field, resultField);
    const bytes = toBinary(AgentClientFrameSchema, reply.frame);
    assert.deepEqual(fieldNumbersAt(bytes, []), [2]);
    assert.deepEqual(fieldNumbersAt(bytes, [2]), [1, resultField, 15].sort((a, b) => a - b));
    assert.deepEqual(fieldNumbersAt(bytes, [2, resultField]), oneofField === undefined ? [] : [oneofField]);
    if (oneofField !== undefined) assert.ok(Buffer.from(bytes).includes(Buffer.from(REJECTION_REASON)));
  });
}

test("each refusal names the native tool kind for the log; request_context is answered, not refused", () => {
  const refusedOf = (message: (typeof NATIVE)[number][1]) => (answerExec(execOf({ id: 9, execId: "e", message }), tools) as { refused?: string }).refused;
  assert.equal(refusedOf({ case: "shellArgs", value: { command: "ls" } }), "shell");
  assert.equal(refusedOf({ case: "shellStreamArgs", value: { command: "ls" } }), "shellStream");
  assert.equal(refusedOf({ case: "readMcpResourceExecArgs", value: { uri: "u://x" } }), "readMcpResource");
  assert.equal(refusedOf({ case: "computerUseArgs", value: {} }), "computerUse");
  const context = answerExec(execOf({ id: 1, execId: "e", message: { case: "requestContextArgs", value: {} } }), tools) as { refused?: string };
  assert.equal(context.refused, undefined);
});

test("docs/protocol.md §4.16 read rejection has the documented shape (field 7 → rejected 3 {path 1, reason 2})", () => {
  const parts = serverParts("000000001a121808033a0c0a0a2f6574632f686f7374737a06657865632d33");
  const out = answerExec((parts[0] as { exec: ExecServerMessage }).exec, tools) as { frame: Parameters<typeof frameHex>[0] };
  const bytes = toBinary(AgentClientFrameSchema, out.frame);
  assert.ok(frameHex(out.frame).startsWith("12"));
  assert.deepEqual(fieldNumbersAt(bytes, [2, 7, 3]), [1, 2]);
  const exec = wireFields(bytes)[0]!.data;
  const rejected = wireFields(wireFields(exec).find((f) => f.no === 7)!.data)[0]!.data;
  assert.equal(new TextDecoder().decode(wireFields(rejected)[0]!.data), "/etc/hosts");
});

test("an exec kind unknown to the schema is answered in the same field number, ids echoed", () => {
  // id=7, args in unknown field 40 ({1:"x"}), exec_id "e7", span_context 19 after the args
  const bytes = Uint8Array.from([
    0x08, 0x07, // id 7
    0xc2, 0x02, 0x03, 0x0a, 0x01, 0x78, // field 40 LEN {1:"x"}
    0x7a, 0x02, 0x65, 0x37, // exec_id "e7"
    0x9a, 0x01, 0x00, // span_context (19) empty
  ]);
  const exec = fromBinary(ExecServerMessageSchema, bytes);
  assert.equal(exec.message.case, undefined);
  const out = answerExec(exec, tools) as { kind: string; field: number; frame: Parameters<typeof frameHex>[0] };
  assert.equal(out.kind, "reply");
  assert.equal(out.field, 40);
  assert.equal((out as { refused?: string }).refused, "unknown:40");
  assert.deepEqual(fieldNumbersAt(toBinary(AgentClientFrameSchema, out.frame), [2]), [1, 15, 40]);
});

test("KV get (docs/protocol.md §4.16): known blob → its bytes; unknown → empty get_blob_result (1a0408011200)", () => {
  const parts = serverParts("0000000028" + "2226080112220a20" + "4030df2327d6f4dde55e036b291f3a7435701d676514f3dc63c5e7e7575f4653");
  assert.equal(parts[0]!.kind, "kv");
  const kv = (parts[0] as { kv: Parameters<typeof answerKv>[0] }).kv;
  assert.equal(frameHex(answerKv(kv, new Map())), "1a0408011200");
  const blob = new TextEncoder().encode('{"content":"You are a helpful assistant.","role":"system"}');
  const blobs: BlobStore = new Map([["4030df2327d6f4dde55e036b291f3a7435701d676514f3dc63c5e7e7575f4653", blob]]);
  const bytes = toBinary(AgentClientFrameSchema, answerKv(kv, blobs));
  assert.deepEqual(fieldNumbersAt(bytes, [3]), [1, 2]);
  assert.deepEqual(wireFields(wireFields(wireFields(bytes)[0]!.data)[1]!.data)[0]!.data, blob);
});

test("KV set (docs/protocol.md §4.16): stores a copy under hex(id), replies 1a0408021a00", () => {
  const parts = serverParts("0000000031" + "222f08021a2b0a20" + "00".repeat(32) + "12077b2278223a317d");
  const kv = (parts[0] as { kv: Parameters<typeof answerKv>[0] }).kv;
  const blobs: BlobStore = new Map();
  assert.equal(frameHex(answerKv(kv, blobs)), "1a0408021a00");
  assert.equal(new TextDecoder().decode(blobs.get("00".repeat(32))), '{"x":1}');
});

test("interaction queries get a rejection in the same field where one exists", () => {
  const cases: [MessageInitShape<typeof InteractionQuerySchema>["query"], number, number[]][] = [
    [{ case: "webSearchRequestQuery", value: {} }, 2, [2, 2]], // rejected(2)
    [{ case: "askQuestionInteractionQuery", value: {} }, 3, [3, 1, 3]], // result(1).rejected(3)
    [{ case: "switchModeRequestQuery", value: {} }, 4, [4, 2]],
    [{ case: "exaSearchRequestQuery", value: {} }, 5, [5, 2]],
    [{ case: "exaFetchRequestQuery", value: {} }, 6, [6, 2]],
    [{ case: "createPlanRequestQuery", value: {} }, 7, [7, 1, 2]], // result.error(2)
  ];
  for (const [query, field, path] of cases) {
    const q = create(InteractionQuerySchema, { id: 4, query });
    const bytes = toBinary(AgentClientFrameSchema, answerInteractionQuery(q));
    assert.deepEqual(fieldNumbersAt(bytes, []), [6]);
    assert.deepEqual(fieldNumbersAt(bytes, [6]), [1, field]);
    assert.ok(fieldNumbersAt(bytes, [6, ...path.slice(0, -1)]).includes(path[path.length - 1]!), `query ${field}`);
  }
  const unknown = fromBinary(InteractionQuerySchema, Uint8Array.from([0x08, 0x03, 0x4a, 0x00])); // id 3, field 9
  assert.deepEqual(fieldNumbersAt(toBinary(AgentClientFrameSchema, answerInteractionQuery(unknown)), [6]), [1, 9]);
});
