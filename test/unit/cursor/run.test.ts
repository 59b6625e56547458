import { test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  ExecServerControlMessageSchema,
  ExecServerMessageSchema,
  KvServerMessageSchema,
} from "../../../proto/gen/agent/v1/agent_pb.ts";
import { Code, ConnectError } from "@connectrpc/connect";
import { ManualClock } from "../../support/manual-clock.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { CursorRunStream } from "../../../app/cursor/run.ts";
import type { CursorEvent, RunOptions, ToolCallRequest } from "../../../app/cursor/types.ts";
import { HEARTBEAT, iu, runOptions, ScriptedAgent, settle, text, TURN_ENDED } from "./scripted-agent-client.ts";
import { runEvents } from "../../support/run-events.ts";

function setup(over: Partial<RunOptions> = {}) {
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const options = runOptions(over);
  const run = new CursorRunStream({ client: agent.client, clock, heartbeatMs: 5000, stallTimeoutMs: 90_000 }, options);
  return { clock, agent, run, options };
}

test("text turn: events in order, iterator ends after turn_ended, stream closed by the client", async () => {
  const { agent, run, clock } = setup();
  agent.send({ interactionUpdate: iu({ case: "thinkingDelta", value: { text: "hmm" } }) });
  agent.send({ interactionUpdate: text("Hel") });
  agent.send({ interactionUpdate: HEARTBEAT });
  agent.send({ interactionUpdate: text("lo") });
  agent.send({ interactionUpdate: iu({ case: "tokenDelta", value: { tokens: 7 } }) });
  agent.send({ interactionUpdate: TURN_ENDED });
  // no end-stream from the server: the run must not wait for it
  const events = await runEvents(run);
  assert.deepEqual(events, [
    { type: "thinking", text: "hmm" },
    { type: "text", text: "Hel" },
    { type: "text", text: "lo" },
    { type: "tokens", tokens: 7 },
    { type: "turn_ended" },
  ]);
  assert.equal(run.closed, true);
  assert.equal(run.error, undefined);
  await settle();
  assert.equal(agent.requestEnded, true, "request side half-closed");
  assert.equal(agent.aborted, false, "the server gets a moment to end the stream itself (no RST_STREAM yet)");
  clock.advance(1999);
  await settle();
  assert.equal(agent.aborted, false);
  clock.advance(1);
  await settle();
  assert.equal(agent.aborted, true, "stream cancelled once the drain time passed");
  assert.equal(agent.cases()[0], "runRequest");
  assert.equal(clock.pending, 0, "heartbeat, watchdog and drain timers released");
});

test("a server that ends the stream after turn_ended is never sent a cancel (RST_STREAM)", async () => {
  const { agent, run, clock } = setup();
  agent.send({ interactionUpdate: text("done") });
  agent.send({ interactionUpdate: TURN_ENDED });
  const events = await runEvents(run);
  assert.deepEqual(events, [{ type: "text", text: "done" }, { type: "turn_ended" }]);
  agent.send({ interactionUpdate: text("late frame, ignored") });
  agent.endStream();
  await settle();
  assert.equal(run.error, undefined, "the end of the stream after turn_ended is not a failure");
  assert.equal(clock.pending, 0, "the drain timer is released when the server ends the stream");
  clock.advance(10_000);
  await settle();
  assert.equal(agent.aborted, false);
  assert.equal(agent.requestEnded, true);
});

test("heartbeats every 5 s through the injected clock, also while parked; none after close", async () => {
  const { agent, run, clock } = setup();
  await settle();
  assert.deepEqual(agent.cases(), ["runRequest"]);
  clock.advance(4999);
  await settle();
  assert.equal(agent.cases().filter((c) => c === "clientHeartbeat").length, 0);
  clock.advance(1);
  await settle();
  assert.equal(agent.cases().filter((c) => c === "clientHeartbeat").length, 1);
  clock.advance(10_000);
  await settle();
  assert.equal(agent.cases().filter((c) => c === "clientHeartbeat").length, 3);
  run.close();
  clock.advance(20_000);
  await settle();
  assert.equal(agent.cases().filter((c) => c === "clientHeartbeat").length, 3);
  assert.equal(clock.pending, 0);
});

test("stall: no frame within the stall timeout → 504 upstream_timeout, iterator throws, stream cancelled", async () => {
  const { agent, run, clock } = setup();
  agent.send({ interactionUpdate: text("a") });
  await settle();
  clock.advance(89_000);
  agent.send({ interactionUpdate: HEARTBEAT }); // any frame resets the watchdog
  await settle();
  clock.advance(89_000);
  await settle();
  assert.equal(run.error, undefined);
  clock.advance(1_000);
  await settle();
  const stalled = run.error as RelayError | undefined;
  assert.ok(stalled instanceof RelayError);
  assert.equal(stalled.status, 504);
  assert.equal(stalled.kind, "upstream_timeout");
  const seen: CursorEvent[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of run.events) seen.push(e);
    })(),
    (e: unknown) => e instanceof RelayError && e.status === 504,
  );
  assert.deepEqual(seen, [{ type: "text", text: "a" }], "buffered events are delivered before the error");
  await settle();
  assert.equal(agent.aborted, true);
});

test("end-stream error after text: text, then the classified error; run.error observable after close", async () => {
  const { agent, run } = setup();
  agent.send({ interactionUpdate: text("partial") });
  agent.fail(new ConnectError("quota", Code.ResourceExhausted));
  const seen: CursorEvent[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of run.events) seen.push(e);
    })(),
    (e: unknown) => e instanceof RelayError && e.status === 429 && e.upstreamCode === "resource_exhausted",
  );
  assert.deepEqual(seen, [{ type: "text", text: "partial" }]);
  assert.equal(run.closed, true);
  assert.equal(run.error?.status, 429);
});

test("a stream that ends cleanly after text without turn_ended is a finished turn, noted as a diagnostic", async () => {
  const clock = new ManualClock();
  const agent = new ScriptedAgent();
  const notes: string[] = [];
  const run = new CursorRunStream(
    { client: agent.client, clock, heartbeatMs: 5000, stallTimeoutMs: 90_000, onDiagnostic: (m) => notes.push(m) },
    { accessToken: "tok", conversationId: "c-1", modelId: "m", userText: "hi", blobs: new Map(), tools: [] },
  );
  agent.send({ interactionUpdate: text("All done") });
  agent.endStream();
  assert.deepEqual(await runEvents(run), [{ type: "text", text: "All done" }]);
  assert.equal(run.closed, true);
  assert.equal(run.error, undefined);
  assert.deepEqual(notes, ["cursor: the stream ended cleanly without turn_ended; the turn is finished"]);
});

test("a stream that ends cleanly before any text is a finished (empty) turn, not an error", async () => {
  const { agent, run } = setup();
  agent.endStream();
  assert.deepEqual(await runEvents(run), []);
  assert.equal(run.error, undefined);
});

test("parked on a tool call: KV and exec requests are still answered while nobody pulls events", async () => {
  const blobs = new Map<string, Uint8Array>();
  const { agent, run } = setup({ blobs });
  const it = run.events[Symbol.asyncIterator]();
  agent.send({
    execServerMessage: toBinary(
      ExecServerMessageSchema,
      create(ExecServerMessageSchema, {
        id: 3,
        execId: "exec-3",
        message: { case: "mcpArgs", value: { name: "read", toolName: "read", toolCallId: "toolu_1", args: {} } },
      }),
    ),
  });
  const first = await it.next();
  assert.equal(first.value?.type, "tool_call");
  const call = (first.value as { call: ToolCallRequest }).call;
  assert.deepEqual(call, { execId: 3, execIdString: "exec-3", toolCallId: "toolu_1", name: "read", argsJson: "{}" });
  // nobody pulls now; the server keeps asking
  const blobId = new Uint8Array(32).fill(7);
  agent.send({
    kvServerMessage: toBinary(KvServerMessageSchema, create(KvServerMessageSchema, { id: 1, message: { case: "setBlobArgs", value: { blobId, blobData: Uint8Array.of(1, 2) } } })),
    interactionUpdate: HEARTBEAT,
  });
  agent.send({
    execServerMessage: toBinary(
      ExecServerMessageSchema,
      create(ExecServerMessageSchema, { id: 4, execId: "exec-4", message: { case: "readArgs", value: { path: "/etc/hosts" } } }),
    ),
  });
  agent.send({
    execServerMessage: toBinary(
      ExecServerMessageSchema,
      create(ExecServerMessageSchema, { id: 5, execId: "exec-5", message: { case: "requestContextArgs", value: {} } }),
    ),
  });
  await settle();
  const replies = agent.received.filter((f) => f.message.case !== "clientHeartbeat").slice(1);
  assert.deepEqual(replies.map((f) => f.message.case), ["kvClientMessage", "execClientMessage", "execClientMessage"]);
  assert.deepEqual([...blobs.get("07".repeat(32))!], [1, 2]);
  assert.deepEqual(run.pendingToolCalls.has(3), true);

  run.sendToolResult(call, { text: "contents", isError: false });
  await settle();
  const last = agent.received[agent.received.length - 1]!;
  assert.equal(last.message.case, "execClientMessage");
  const exec = last.message.value as { id: number; execId: string; message: { case: string } };
  assert.equal(exec.id, 3);
  assert.equal(exec.execId, "exec-3");
  assert.equal(exec.message.case, "mcpResult");
  assert.equal(run.pendingToolCalls.has(3), false);

  agent.send({ interactionUpdate: text("done") });
  agent.send({ interactionUpdate: TURN_ENDED });
  const rest = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
  assert.deepEqual(rest, [{ type: "text", text: "done" }, { type: "turn_ended" }]);
});

test("exec_server_control abort drops the pending call: its result is not sent", async () => {
  const { agent, run } = setup();
  agent.send({
    execServerMessage: toBinary(
      ExecServerMessageSchema,
      create(ExecServerMessageSchema, { id: 8, execId: "e8", message: { case: "mcpArgs", value: { name: "read" } } }),
    ),
  });
  const it = run.events[Symbol.asyncIterator]();
  const call = ((await it.next()).value as { call: ToolCallRequest }).call;
  agent.send({
    execServerControlMessage: toBinary(
      ExecServerControlMessageSchema,
      create(ExecServerControlMessageSchema, { message: { case: "abort", value: { id: 8 } } }),
    ),
  });
  await settle();
  assert.equal(run.pendingToolCalls.size, 0);
  const before = agent.received.length;
  run.sendToolResult(call, { text: "late", isError: false });
  await settle();
  assert.equal(agent.received.length, before);
  run.close();
});

test("a frame with a KV request and turn_ended: the reply is sent and turn_ended comes last", async () => {
  const blobs = new Map<string, Uint8Array>([["aa".repeat(32), Uint8Array.of(9)]]);
  const { agent, run } = setup({ blobs });
  agent.send({
    conversationCheckpointUpdate: Uint8Array.of(0x0a, 0x01, 0x01),
    kvServerMessage: toBinary(
      KvServerMessageSchema,
      create(KvServerMessageSchema, { id: 2, message: { case: "getBlobArgs", value: { blobId: new Uint8Array(32).fill(0xaa) } } }),
    ),
    interactionUpdate: TURN_ENDED,
  });
  const events = await runEvents(run);
  assert.deepEqual(events.map((e) => e.type), ["checkpoint", "turn_ended"]);
  const ckpt = events[0] as { bytes: Uint8Array };
  assert.deepEqual([...ckpt.bytes], [0x0a, 0x01, 0x01]);
  assert.deepEqual(Object.keys(ckpt), ["type", "bytes"], "the blobs stay in the run's own store (the caller's map), not a copy in the event");
  assert.ok(blobs.has("aa".repeat(32)));
  await settle();
  assert.ok(agent.cases().includes("kvClientMessage"));
});

test("a text delta with invalid UTF-8 becomes U+FFFD and the turn goes on", async () => {
  const { agent, run } = setup();
  const bad = Buffer.from(text("bad XX"));
  const at = bad.indexOf("XX");
  bad[at] = 0xc3;
  bad[at + 1] = 0x28;
  agent.send({ interactionUpdate: bad });
  agent.send({ interactionUpdate: text("after") });
  agent.send({ interactionUpdate: TURN_ENDED });
  assert.deepEqual(await runEvents(run), [
    { type: "text", text: "bad \uFFFD(" },
    { type: "text", text: "after" },
    { type: "turn_ended" },
  ]);
});

test("close() mid-turn: iterator ends, stream cancelled, sendToolResult then throws", async () => {
  const { agent, run } = setup();
  agent.send({ interactionUpdate: text("x") });
  await settle();
  run.close();
  run.close(); // idempotent
  assert.deepEqual(await runEvents(run), []);
  await settle();
  assert.equal(agent.aborted, true);
  assert.throws(() => run.sendToolResult({ execId: 1, execIdString: "", toolCallId: "", name: "", argsJson: "{}" }, { text: "", isError: false }), RelayError);
});

test("the caller's AbortSignal closes the run", async () => {
  const ac = new AbortController();
  const { agent, run } = setup({ signal: ac.signal });
  ac.abort();
  assert.equal(run.closed, true);
  await settle();
  assert.equal(agent.aborted, true);
  const pre = new AbortController();
  pre.abort();
  const again = setup({ signal: pre.signal });
  assert.equal(again.run.closed, true);
});

test("breaking out of a for-await does not close the run (resume pulling later)", async () => {
  const { agent, run } = setup();
  agent.send({ interactionUpdate: text("one") });
  agent.send({ interactionUpdate: text("two") });
  for await (const e of run.events) {
    assert.deepEqual(e, { type: "text", text: "one" });
    break;
  }
  assert.equal(run.closed, false);
  agent.send({ interactionUpdate: TURN_ENDED });
  assert.deepEqual(await runEvents(run), [{ type: "text", text: "two" }, { type: "turn_ended" }]);
});

test("a frame member that does not decode ends the turn with a 502 instead of being skipped (no text lost unseen, no request left unanswered)", async () => {
  const { agent, run } = setup();
  agent.send({ interactionUpdate: text("before ") });
  // An update whose framing is broken (a length past its end), and a garbled exec request.
  agent.send({ interactionUpdate: Uint8Array.of(0x0a, 0x50, 0x01) });
  agent.send({ interactionUpdate: text("after") });
  const seen: CursorEvent[] = [];
  await assert.rejects(
    (async () => {
      for await (const e of run.events) seen.push(e);
    })(),
    (e: unknown) =>
      e instanceof RelayError &&
      e.status === 502 &&
      e.upstreamCode === "malformed_response" &&
      /^Cursor sent a frame the relay cannot decode \(interaction_update: /.test(e.message),
  );
  assert.deepEqual(seen, [{ type: "text", text: "before " }]);
  await settle();
  assert.equal(agent.aborted, true);

  const second = setup();
  second.agent.send({ execServerMessage: new Uint8Array([0x08, 0x01, 0x12, 0xff, 0x01]) });
  await assert.rejects(
    (async () => {
      for await (const _ of second.run.events);
    })(),
    (e: unknown) => e instanceof RelayError && /\(exec_server_message: /.test(e.message),
  );
});
