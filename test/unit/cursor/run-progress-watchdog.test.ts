// The heartbeats-only watchdog of a Run: heartbeats keep the stall watchdog quiet, so a
// server that only heartbeats would hold the client forever without it. It does not
// apply while a tool call waits for the client (the server only heartbeats then).
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { ExecServerMessageSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { CursorRunStream } from "../../../app/cursor/run.ts";
import type { CursorEvent, ToolCallRequest } from "../../../app/cursor/types.ts";
import { HEARTBEAT, runOptions, ScriptedAgent, settle, text } from "./scripted-agent-client.ts";
import { runTimeouts } from "../../../app/cursor/client.ts";
import { readCursorTuning } from "../../../app/relay/cursor-tuning.ts";
import { createMemorySettingsStore } from "../../../app/accounts/settings-store.ts";

function setup(progressTimeoutMs: number | undefined) {
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const run = new CursorRunStream(
    { client: agent.client, clock, heartbeatMs: 5000, stallTimeoutMs: 1000, ...(progressTimeoutMs !== undefined ? { progressTimeoutMs } : {}) },
    runOptions(),
  );
  return { clock, agent, run };
}

/** Advances the clock in steps, a server heartbeat at each, so the stall watchdog never fires. */
async function heartbeatFor(agent: ScriptedAgent, clock: ManualClock, ms: number, stepMs = 500): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    agent.send({ interactionUpdate: HEARTBEAT });
    await settle();
    clock.advance(stepMs);
    await settle();
  }
}

test("only heartbeats for progressTimeoutMs → 504 upstream_timeout; buffered events first", async () => {
  const { agent, run, clock } = setup(3000);
  agent.send({ interactionUpdate: text("partial") });
  await settle();
  await heartbeatFor(agent, clock, 2500);
  assert.equal(run.closed, false, "heartbeats alone keep the stall watchdog quiet; progress timer not yet due");
  await heartbeatFor(agent, clock, 500);
  const err = run.error;
  assert.ok(err instanceof RelayError);
  assert.equal(err.status, 504);
  assert.equal(err.kind, "upstream_timeout");
  assert.match(err.message, /only heartbeats/);
  const seen: CursorEvent[] = [];
  await assert.rejects(async () => {
    for await (const e of run.events) seen.push(e);
  }, RelayError);
  assert.deepEqual(seen, [{ type: "text", text: "partial" }]);
  await settle();
  assert.equal(agent.aborted, true, "the upstream stream is cancelled");
});

test("any frame other than a heartbeat restarts the progress timer", async () => {
  const { agent, run, clock } = setup(3000);
  await heartbeatFor(agent, clock, 2500);
  agent.send({ interactionUpdate: text("x") });
  await settle();
  await heartbeatFor(agent, clock, 2500);
  assert.equal(run.closed, false);
  await heartbeatFor(agent, clock, 500);
  assert.equal(run.error?.status, 504);
});

test("a tool call waiting for the client suspends it; answering the call restarts it", async () => {
  const { agent, run, clock } = setup(3000);
  const it = run.events[Symbol.asyncIterator]();
  agent.send({
    execServerMessage: toBinary(
      ExecServerMessageSchema,
      create(ExecServerMessageSchema, { id: 3, execId: "exec-3", message: { case: "mcpArgs", value: { name: "read", toolName: "read", toolCallId: "t1" } } }),
    ),
  });
  const call = ((await it.next()).value as { call: ToolCallRequest }).call;
  await heartbeatFor(agent, clock, 10_000);
  assert.equal(run.closed, false, "parked: the server heartbeats while the client runs the tool");
  run.sendToolResult(call, { text: "ok", isError: false });
  await heartbeatFor(agent, clock, 2500);
  assert.equal(run.closed, false);
  await heartbeatFor(agent, clock, 500);
  assert.equal(run.error?.status, 504);
});

test("without progressTimeoutMs a heartbeating stream stays open (the option is what bounds it)", async () => {
  const { agent, run, clock } = setup(undefined);
  await heartbeatFor(agent, clock, 10_000);
  assert.equal(run.closed, false);
  run.close();
  assert.equal(clock.pending, 0);
});

test("the relay's defaults: 15 min of heartbeats after text does not end the turn; 90 s with no frame at all still does", async () => {
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const run = new CursorRunStream(
    { client: agent.client, clock, heartbeatMs: 5000, ...runTimeouts({}) },
    { accessToken: "tok", conversationId: "c-1", modelId: "m", userText: "hi", blobs: new Map(), tools: [] },
  );
  agent.send({ interactionUpdate: text("working on it") });
  await settle();
  await heartbeatFor(agent, clock, 15 * 60_000, 30_000);
  assert.equal(run.closed, false, "long server-side work kept alive by heartbeats is not cut");
  clock.advance(90_000);
  await settle();
  assert.equal(run.error?.upstreamCode, "stalled");
  assert.match(run.error?.message ?? "", /sent nothing for 90 s/);
});

test("a heartbeats-only limit set in settings.json (10 min) ends such a turn after 10 min", async () => {
  const settings = createMemorySettingsStore();
  settings.set("cursor", { heartbeatOnlyTimeoutSeconds: 600 });
  const tuning = readCursorTuning(settings, {}, (m) => assert.fail(m));
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const run = new CursorRunStream(
    { client: agent.client, clock, heartbeatMs: 5000, ...runTimeouts(tuning) },
    { accessToken: "tok", conversationId: "c-1", modelId: "m", userText: "hi", blobs: new Map(), tools: [] },
  );
  agent.send({ interactionUpdate: text("working on it") });
  await settle();
  await heartbeatFor(agent, clock, 9.5 * 60_000, 30_000);
  assert.equal(run.closed, false);
  await heartbeatFor(agent, clock, 60_000, 30_000);
  assert.match(run.error?.message ?? "", /only heartbeats for 600 s/);
});
