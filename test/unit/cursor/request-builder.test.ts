import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { ConversationStateStructureSchema, McpToolDefinitionSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { buildRunRequestFrame, DEFAULT_SYSTEM_PROMPT, heartbeatFrame, systemPromptBlob, toMcpToolDefinition } from "../../../app/cursor/request-builder.ts";
import { fieldNumbersAt } from "./wire-fields.ts";
import type { BlobStore, RunOptions } from "../../../app/cursor/types.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function baseOptions(over: Partial<RunOptions> = {}): RunOptions {
  return {
    accessToken: "tok",
    conversationId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    modelId: "composer-2",
    userText: "hi",
    blobs: new Map(),
    tools: [],
    ...over,
  };
}

const runRequestOf = (opts: RunOptions, ids = { messageId: "m-1", newUuid: () => "img-uuid" }) => {
  const frame = buildRunRequestFrame(opts, ids);
  // Round-trip through the wire format, as the server sees it.
  const back = fromBinary(AgentClientFrameSchema, toBinary(AgentClientFrameSchema, frame));
  assert.equal(back.message.case, "runRequest");
  return back.message.value!;
};

test("heartbeat frame is exactly 3a00 (docs/protocol.md §4.16)", () => {
  assert.equal(hex(toBinary(AgentClientFrameSchema, heartbeatFrame())), "3a00");
});

test("tool definition bytes match the docs/protocol.md §4.16 worked example", () => {
  const def = toMcpToolDefinition({ name: "read", description: "Read a file", inputSchema: { type: "object" } });
  assert.equal(
    hex(toBinary(McpToolDefinitionSchema, def)),
    "0a0472656164" + "120b5265616420612066696c65" + "1a142a120a100a047479706512081a066f626a656374" + "220570726f7879" + "2a0472656164",
  );
});

test("input_schema is a serialized google.protobuf.Value of the JSON schema", () => {
  const schema = { type: "object", properties: { path: { type: "string" }, n: { type: "number" } }, required: ["path"] };
  const def = toMcpToolDefinition({ name: "x", description: "", inputSchema: schema });
  const decoded = fromBinary(ValueSchema, def.inputSchema);
  assert.equal(decoded.kind.case, "structValue");
  assert.deepEqual(Object.keys(decoded.kind.value!.fields).sort(), ["properties", "required", "type"]);
});

test("system prompt blob: keys content then role, Go escaping, id = sha256 of the bytes", () => {
  const b = systemPromptBlob("You are a helpful assistant.");
  assert.equal(Buffer.from(b.data).toString(), '{"content":"You are a helpful assistant.","role":"system"}');
  assert.equal(b.idHex, "4030df2327d6f4dde55e036b291f3a7435701d676514f3dc63c5e7e7575f4653");
  const esc = systemPromptBlob("a<b>&c");
  assert.equal(Buffer.from(esc.data).toString(), '{"content":"a\\u003cb\\u003e\\u0026c","role":"system"}');
  assert.equal(esc.idHex, createHash("sha256").update(esc.data).digest("hex"));
});

test("fresh run_request: root prompt blob id in the state, blob stored, action, model, tools, conversation id", () => {
  const blobs: BlobStore = new Map();
  const rr = runRequestOf(
    baseOptions({ blobs, systemPrompt: "Be brief.", tools: [{ name: "read", description: "Read a file", inputSchema: { type: "object" } }] }),
  );
  const state = fromBinary(ConversationStateStructureSchema, rr.conversationState);
  assert.equal(state.rootPromptMessagesJson.length, 1);
  const idHex = hex(state.rootPromptMessagesJson[0]!);
  assert.equal(idHex, systemPromptBlob("Be brief.").idHex);
  assert.equal(Buffer.from(blobs.get(idHex)!).toString(), '{"content":"Be brief.","role":"system"}');
  assert.equal(state.turns.length, 0);

  const action = rr.action!.action;
  assert.equal(action.case, "userMessageAction");
  assert.equal(action.value!.userMessage!.text, "hi");
  assert.equal(action.value!.userMessage!.messageId, "m-1");
  assert.equal(action.value!.userMessage!.selectedContext, undefined);
  assert.equal(rr.modelDetails!.modelId, "composer-2");
  assert.equal(rr.modelDetails!.displayModelId, "composer-2");
  assert.equal(rr.modelDetails!.displayName, "composer-2");
  assert.deepEqual(rr.mcpTools!.mcpTools.map((t) => [t.name, t.toolName, t.providerIdentifier]), [["read", "read", "proxy"]]);
  assert.equal(rr.conversationId, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
});

test("no system prompt → the default one; no tools → field 4 absent", () => {
  const blobs: BlobStore = new Map();
  const frame = buildRunRequestFrame(baseOptions({ blobs }), { messageId: "m" });
  const rr = frame.message.value as { mcpTools?: unknown; conversationState: Uint8Array };
  assert.equal(rr.mcpTools, undefined);
  assert.ok(blobs.has(systemPromptBlob(DEFAULT_SYSTEM_PROMPT).idHex));
  // on the wire: run_request carries fields 1, 2, 3, 5 — no 4
  assert.deepEqual(fieldNumbersAt(toBinary(AgentClientFrameSchema, frame), [1]), [1, 2, 3, 5]);
});

test("checkpoint is replayed byte for byte and no system blob is added", () => {
  // deliberately not a canonical serialization (unknown field 99, odd order): must survive untouched
  const checkpoint = Uint8Array.from(Buffer.from("4204deadbeef0a20" + "11".repeat(32) + "9a0603616263", "hex"));
  const blobs: BlobStore = new Map([["aa", Uint8Array.of(1)]]);
  const rr = runRequestOf(baseOptions({ blobs, checkpoint, systemPrompt: "ignored" }));
  assert.equal(hex(rr.conversationState), hex(checkpoint));
  assert.deepEqual([...blobs.keys()], ["aa"]);
});

test("images go to selected_context.selected_images with data in field 8", () => {
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47);
  const frame = buildRunRequestFrame(baseOptions({ images: [{ mimeType: "image/png", data: png }] }), {
    messageId: "m",
    newUuid: () => "u-1",
  });
  const rr = fromBinary(AgentClientFrameSchema, toBinary(AgentClientFrameSchema, frame)).message.value as {
    action: { action: { value: { userMessage: { selectedContext: { selectedImages: { uuid: string; mimeType: string; dataOrBlobId: { case: string; value: Uint8Array } }[] } } } } };
  };
  const img = rr.action.action.value.userMessage.selectedContext.selectedImages[0]!;
  assert.equal(img.uuid, "u-1");
  assert.equal(img.mimeType, "image/png");
  assert.equal(img.dataOrBlobId.case, "data");
  assert.deepEqual([...img.dataOrBlobId.value], [...png]);
  // SelectedImage.data is field 8, LEN → tag 0x42
  assert.ok(hex(toBinary(AgentClientFrameSchema, frame)).includes("420489504e47"));
});

test("tool definitions are encoded once per distinct content and stay identical to a fresh encoding", async () => {
  const { toMcpToolDefinition, toMcpToolDefinitions } = await import("../../../app/cursor/request-builder.ts");
  const { toBinary } = await import("@bufbuild/protobuf");
  const { McpToolDefinitionSchema } = await import("../../../proto/gen/agent/v1/agent_pb.ts");
  const bash = { name: "Bash", description: "Run", inputSchema: { type: "object", properties: { command: { type: "string" } } } };
  const first = toMcpToolDefinitions([bash, { ...bash, name: "Other" }]);
  const again = toMcpToolDefinitions([{ ...bash, inputSchema: JSON.parse(JSON.stringify(bash.inputSchema)) }]);
  assert.equal(again[0], first[0], "the same content reuses the encoded definition");
  assert.deepEqual(toBinary(McpToolDefinitionSchema, again[0]!), toBinary(McpToolDefinitionSchema, toMcpToolDefinition(bash)));
  const changed = toMcpToolDefinitions([{ ...bash, description: "Run it" }]);
  assert.notEqual(changed[0], first[0], "a changed description is a new definition");
  assert.equal(changed[0]!.description, "Run it");
});
