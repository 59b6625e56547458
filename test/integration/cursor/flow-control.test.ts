// A 2 MB request through a server that advertises a 16 KB initial window: connect-node
// must honour HTTP/2 flow control (a client that ignored it died with FLOW_CONTROL_ERROR, docs/protocol.md §8).
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { createCursorClient } from "../../../app/cursor/client.ts";
import type { CursorEvent } from "../../../app/cursor/types.ts";
import { envelope, startRawServer } from "./raw-h2-server.ts";

const update = (m: Parameters<typeof create<typeof InteractionUpdateSchema>>[1]) =>
  envelope(toBinary(AgentServerFrameSchema, create(AgentServerFrameSchema, { interactionUpdate: toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, m)) })));

test("2 MB run_request over a 16 KB initial window arrives intact (raw h2 server)", async () => {
  const server = await startRawServer({ initialWindowSize: 16_384 });
  const client = createCursorClient({ baseUrl: server.url });
  const big = "x".repeat(2 * 1024 * 1024);
  let receivedText = "";
  try {
    server.setHandler((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
      let buf = Buffer.alloc(0);
      stream.on("data", (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (receivedText !== "" || buf.length < 5) return;
        const len = buf.readUInt32BE(1);
        if (buf.length < 5 + len) return;
        const first = fromBinary(AgentClientFrameSchema, buf.subarray(5, 5 + len));
        const rr = first.message.case === "runRequest" ? first.message.value : undefined;
        const action = rr?.action?.action;
        receivedText = action?.case === "userMessageAction" ? (action.value.userMessage?.text ?? "") : "";
        stream.write(update({ message: { case: "textDelta", value: { text: `got ${receivedText.length}` } } }));
        stream.write(update({ message: { case: "turnEnded", value: {} } }));
      });
    });
    const run = client.run({ accessToken: "t", conversationId: "c", modelId: "m", userText: big, blobs: new Map(), tools: [] });
    const events: CursorEvent[] = [];
    for await (const e of run.events) events.push(e);
    assert.deepEqual(events, [{ type: "text", text: `got ${big.length}` }, { type: "turn_ended" }]);
    assert.equal(receivedText, big);
  } finally {
    client.close();
    await server.close();
  }
});
