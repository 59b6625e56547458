// A Run request larger than Cursor accepts fails with 413 before any stream opens: the
// limit counts the first frame plus the system prompt blob it brings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RelayError } from "../../../app/base/errors.ts";
import { CursorRunStream } from "../../../app/cursor/run.ts";
import { toBinary } from "@bufbuild/protobuf";
import { AgentClientFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { buildRunRequestFrame } from "../../../app/cursor/request-builder.ts";
import { encodedSizeBound, MAX_RUN_REQUEST_BYTES } from "../../../app/cursor/request-limit.ts";
import type { RunOptions } from "../../../app/cursor/types.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { ScriptedAgent } from "./scripted-agent-client.ts";

function start(over: Partial<RunOptions>, maxRequestBytes?: number) {
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const options: RunOptions = { accessToken: "tok", conversationId: "c-1", modelId: "composer-2", userText: "hi", blobs: new Map(), tools: [], ...over };
  const run = new CursorRunStream(
    { client: agent.client, clock, heartbeatMs: 5000, stallTimeoutMs: 90_000, ...(maxRequestBytes !== undefined ? { maxRequestBytes } : {}) },
    options,
  );
  return { agent, run, clock };
}

async function failure(run: CursorRunStream): Promise<RelayError> {
  try {
    for await (const _ of run.events) {
      // no event may arrive
    }
  } catch (e) {
    assert.ok(e instanceof RelayError);
    return e;
  }
  assert.fail("the run did not fail");
}

test("a user text over the limit: 413 too_large with both sizes in the message, no stream, no timers", async () => {
  const { agent, run, clock } = start({ userText: "x".repeat(MAX_RUN_REQUEST_BYTES + 1) });
  const err = await failure(run);
  assert.equal(err.status, 413);
  assert.equal(err.kind, "too_large");
  assert.equal(err.isUpstream, false);
  assert.match(err.message, /the request is 8\.0 MiB once encoded for Cursor; Cursor accepts at most 8\.0 MiB/);
  assert.equal(agent.calls, 0, "no Run was opened");
  assert.equal(run.closed, true);
  assert.equal(clock.pending, 0, "no heartbeat or watchdog timer left");
});

test("the system prompt blob counts too; a checkpoint's old blobs do not", async () => {
  const half = "y".repeat(MAX_RUN_REQUEST_BYTES / 2 + 1024);
  const fresh = start({ userText: half, systemPrompt: half });
  assert.equal((await failure(fresh.run)).status, 413);
  assert.equal(fresh.agent.calls, 0);

  const replay = start({ userText: "next", checkpoint: new Uint8Array([10, 0]), blobs: new Map([["ab", new Uint8Array(MAX_RUN_REQUEST_BYTES)]]) });
  replay.run.close();
  assert.equal(replay.run.error, undefined, "a replayed checkpoint is not refused for blobs Cursor already has");
});

test("just under a configured limit opens the Run", () => {
  const { agent, run } = start({ userText: "z".repeat(1000) }, 4096);
  assert.equal(run.closed, false);
  run.close();
  assert.equal(agent.calls, 1);
  const over = start({ userText: "z".repeat(5000) }, 4096);
  assert.equal(over.run.closed, true);
  assert.equal(over.run.error?.status, 413);
});

test("the size bound that spares the encode is never below the encoded size, and only the exact size refuses", () => {
  const frame = buildRunRequestFrame({
    accessToken: "tok",
    conversationId: "c-1",
    modelId: "composer-2",
    userText: "plain, é, €, 😀 and a lone \uD800 surrogate",
    systemPrompt: "be brief",
    checkpoint: new Uint8Array(300).fill(7),
    blobs: new Map(),
    tools: [{ name: "Read", description: "Read a file", inputSchema: { type: "object", properties: { n: { type: "number", enum: [-1, 2.5, 1e300] } } } }],
    images: [{ mimeType: "image/png", data: new Uint8Array(1000).fill(1) }],
  });
  assert.ok(encodedSizeBound(frame) >= toBinary(AgentClientFrameSchema, frame).byteLength);

  // 3000 one-byte characters: bound over 4096 (3 bytes each), encoded size under it.
  const { agent, run } = start({ userText: "z".repeat(3000) }, 4096);
  assert.equal(run.closed, false, "a request whose encoded size fits opens, whatever the bound says");
  run.close();
  assert.equal(agent.calls, 1);
});
