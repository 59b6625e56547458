// A finished turn ends its HTTP/2 stream cleanly (both sides END_STREAM), never with an
// RST_STREAM: servers count resets on a connection (rapid-reset protection), and nghttp2
// — the fake Cursor's HTTP/2 — sent GOAWAY after ~1000 quick turns, failing every live
// stream and cooling the account down. Found by the fuzz tests (test/fuzz).
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { createCursorClient } from "../../../app/cursor/client.ts";
import type { RunOptions } from "../../../app/cursor/types.ts";
import { envelope, startRawServer } from "./raw-h2-server.ts";
import { runEvents } from "../../support/run-events.ts";

const runOptions = (i: number): RunOptions => ({ accessToken: "t", conversationId: `c${i}`, modelId: "m", userText: "hi", blobs: new Map(), tools: [] });
const update = (message: Parameters<typeof create<typeof InteractionUpdateSchema>>[1]) =>
  envelope(toBinary(AgentServerFrameSchema, create(AgentServerFrameSchema, { interactionUpdate: toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, message)) })));
const TEXT = update({ message: { case: "textDelta", value: { text: "ok" } } });
const TURN_ENDED = update({ message: { case: "turnEnded", value: {} } });
const END_STREAM = envelope(new TextEncoder().encode("{}"), 0x02);

interface Closed {
  rstCode: number;
  requestEnded: boolean;
}

test("100 turns, each ending while the client is busy writing heartbeats: every stream closes with both END_STREAMs, no RST_STREAM", async (t) => {
  const server = await startRawServer();
  const closed: Closed[] = [];
  server.setHandler((stream) => {
    let requestEnded = false;
    stream.on("data", () => {});
    stream.on("end", () => (requestEnded = true));
    stream.on("close", () => closed.push({ rstCode: stream.rstCode ?? -1, requestEnded }));
    stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
    // The turn ends and the server ends its side at once, as Cursor and the fake do.
    stream.end(Buffer.concat([TEXT, TURN_ENDED, END_STREAM]));
  });
  // A heartbeat every millisecond keeps a request write in flight when the turn ends.
  const client = createCursorClient({ baseUrl: server.url, heartbeatMs: 1 });
  t.after(() => {
    client.close();
    return server.close();
  });
  for (let i = 0; i < 100; i++) {
    const events = await runEvents(client.run(runOptions(i)));
    assert.deepEqual(events, [{ type: "text", text: "ok" }, { type: "turn_ended" }]);
  }
  const deadline = Date.now() + 5000;
  while (closed.length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(closed.length, 100, "every stream closed");
  assert.deepEqual(
    closed.filter((c) => c.rstCode !== http2.constants.NGHTTP2_NO_ERROR || !c.requestEnded),
    [],
    "no stream was reset, every request side ended",
  );
});

test("a server that keeps the stream open after turn_ended gets it cancelled after the drain time (2 s, injected clock)", async (t) => {
  const server = await startRawServer();
  let closedWith: number | null = null;
  let requestEnded = false;
  server.setHandler((stream) => {
    stream.on("data", () => {});
    stream.on("end", () => (requestEnded = true));
    stream.on("close", () => (closedWith = stream.rstCode ?? -1));
    stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
    stream.write(Buffer.concat([TEXT, TURN_ENDED])); // and never ends
  });
  const clock = new ManualClock();
  const client = createCursorClient({ baseUrl: server.url, clock });
  t.after(() => {
    client.close();
    return server.close();
  });
  const run = client.run(runOptions(0));
  assert.deepEqual(await runEvents(run), [{ type: "text", text: "ok" }, { type: "turn_ended" }]);
  assert.equal(run.error, undefined);
  const waitFor = async (ok: () => boolean) => {
    const deadline = Date.now() + 3000;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  await waitFor(() => requestEnded);
  assert.equal(requestEnded, true, "the client half-closed at turn_ended");
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closedWith, null, "not cancelled before the drain time");
  clock.advance(2000);
  await waitFor(() => closedWith !== null);
  assert.equal(closedWith, http2.constants.NGHTTP2_CANCEL);
});
