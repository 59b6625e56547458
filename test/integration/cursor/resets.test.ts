// Real HTTP/2 failures (RST_STREAM, GOAWAY, dropped stream) as connect-node reports them,
// classified to 502; and the stall watchdog on a silent server.
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
import { runFailure } from "../../support/run-events.ts";

const runOptions = (): RunOptions => ({ accessToken: "t", conversationId: "c", modelId: "m", userText: "hi", blobs: new Map(), tools: [] });
const textFrame = (t: string) =>
  envelope(
    toBinary(
      AgentServerFrameSchema,
      create(AgentServerFrameSchema, {
        interactionUpdate: toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, { message: { case: "textDelta", value: { text: t } } })),
      }),
    ),
  );

const scripts: [string, (s: http2.ServerHttp2Stream) => void][] = [
  ["RST_STREAM INTERNAL_ERROR", (s) => setTimeout(() => s.close(http2.constants.NGHTTP2_INTERNAL_ERROR), 20)],
  ["RST_STREAM NO_ERROR", (s) => setTimeout(() => s.close(http2.constants.NGHTTP2_NO_ERROR), 20)],
  ["GOAWAY + destroy", (s) => setTimeout(() => { s.session?.goaway(http2.constants.NGHTTP2_INTERNAL_ERROR); s.session?.destroy(); }, 20)],
  ["END_STREAM without end-stream envelope", (s) => setTimeout(() => s.end(), 20)],
];

for (const [label, script] of scripts) {
  test(`${label} after some text → 502 upstream_error, text delivered first`, async () => {
    const server = await startRawServer();
    const client = createCursorClient({ baseUrl: server.url });
    try {
      server.setHandler((stream) => {
        stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
        stream.write(textFrame("so far"));
        script(stream);
      });
      const run = client.run(runOptions());
      const { seen, error } = await runFailure(run);
      assert.deepEqual(seen, [{ type: "text", text: "so far" }]);
      assert.equal(error.status, 502, error.message);
      assert.equal(error.kind, "upstream_error");
      assert.ok(error.upstreamCode);
      assert.equal(run.error, error);
      assert.equal(run.closed, true);
    } finally {
      client.close();
      await server.close();
    }
  });
}

test("silent server: the stall watchdog (injected clock) fails the run with 504 and cancels the stream", async () => {
  const server = await startRawServer();
  const clock = new ManualClock();
  const client = createCursorClient({ baseUrl: server.url, clock, stallTimeoutMs: 90_000 });
  let serverSawClose!: () => void;
  const closed = new Promise<void>((r) => (serverSawClose = r));
  let serverSawStream!: () => void;
  const opened = new Promise<void>((r) => (serverSawStream = r));
  try {
    server.setHandler((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
      stream.on("close", () => serverSawClose());
      serverSawStream();
    });
    const run = client.run(runOptions());
    // The stream is open on the server before the silence starts counting (not a fixed sleep).
    await opened;
    clock.advance(90_000);
    const { error } = await runFailure(run);
    assert.equal(error.status, 504);
    assert.equal(error.kind, "upstream_timeout");
    await closed;
  } finally {
    client.close();
    await server.close();
  }
});
