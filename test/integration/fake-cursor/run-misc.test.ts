// Smaller promises of the fake: KV while parked on a tool call, waiting for client
// heartbeats, accounts without a turn, waitForIdle's timeout, close() with a stream open,
// GetUsableModels over plain HTTP/1.1, and how each Run stream closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { GetUsableModelsResponseSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { startFakeCursor } from "../../fake-cursor/index.ts";
import { RunClient, updateCases } from "./run-client.ts";
import { until } from "../../support/until.ts";

test("kvWhileWaiting: a KV request arrives while the tool call is parked; waitForHeartbeats waits for the client", async (t) => {
  const fake = await startFakeCursor({
    scenario: {
      turns: [[{ toolCall: { name: "Read", args: { path: "a" }, kvWhileWaiting: true } }, { waitForHeartbeats: 2 }, { replyWithToolResult: "got " }, { turnEnded: true }]],
    },
  });
  t.after(() => fake.close());
  const run = new RunClient(fake.url, {
    token: fake.mintAccessToken("auth0|k"),
    onToolCall: (exec, r) => setTimeout(() => r.sendToolResult(exec, "data", true), 50),
  });
  setTimeout(() => run.heartbeat(), 100);
  setTimeout(() => run.heartbeat(), 150);
  assert.equal(await run.finish(), null);
  const cases = updateCases(run);
  assert.ok(cases.indexOf("kv:getBlobArgs", 1) > cases.indexOf("exec:mcpArgs"), cases.join(","));
  assert.equal(run.text(), "got data");
  await fake.waitForIdle(2000);
  const rec = fake.runs[0]!;
  assert.equal(rec.heartbeats, 2);
  assert.equal(rec.toolResults[0]!.isError, true);
  assert.equal(rec.toolResults[0]!.toolCallId, "toolu_fake_1");
});

test("an account the scenario has no turn for gets failed_precondition", async (t) => {
  const fake = await startFakeCursor({ scenario: { accounts: { "auth0|only": [[{ text: "x" }]] } } });
  t.after(() => fake.close());
  const err = await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|other") }).finish();
  assert.equal(err?.code, Code.FailedPrecondition);
  assert.match(err?.rawMessage ?? "", /no turn for account auth0\|other/);
});

test("waitForIdle rejects while a stream stays open; close() ends it anyway", async (t) => {
  const fake = await startFakeCursor({ scenario: { turns: [[{ silence: true }]] } });
  const run = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|open") });
  t.after(() => run.close());
  while (fake.openStreams === 0) await new Promise((r) => setTimeout(r, 5));
  await assert.rejects(fake.waitForIdle(50), /1 Run stream\(s\) still open after 50 ms/);
  await fake.close();
  const err = await run.finish();
  assert.ok(err);
  assert.equal(fake.openStreams, 0);
});

test("GetUsableModels also answers Connect unary over HTTP/1.1", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const res = await fetch(`${fake.url}/agent.v1.AgentService/GetUsableModels`, {
    method: "POST",
    headers: { "content-type": "application/proto", authorization: `Bearer ${fake.mintAccessToken("auth0|h1")}` },
    body: new Uint8Array(),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/proto");
  const models = fromBinary(GetUsableModelsResponseSchema, new Uint8Array(await res.arrayBuffer()));
  assert.equal(models.models[0]?.modelId, "composer-2");
});

test("a first frame that is not run_request gets invalid_argument", async (t) => {
  const { connect } = await import("node:http2");
  const { create, toBinary } = await import("@bufbuild/protobuf");
  const { encodeEnvelope } = await import("@connectrpc/connect/protocol");
  const { AgentClientFrameSchema } = await import("../../../proto/gen/agent/v1/agent_service_pb.ts");
  const { EnvelopeSplitter } = await import("../../fake-cursor/frames.ts");
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const session = connect(fake.url);
  t.after(() => session.destroy());
  const stream = session.request({ ":method": "POST", ":path": "/agent.v1.AgentService/Run", "content-type": "application/connect+proto", authorization: `Bearer ${fake.mintAccessToken("auth0|f")}` });
  stream.end(encodeEnvelope(0, toBinary(AgentClientFrameSchema, create(AgentClientFrameSchema, { message: { case: "clientHeartbeat", value: {} } }))));
  const splitter = new EnvelopeSplitter();
  const envs: { flags: number; data: Uint8Array }[] = [];
  stream.on("data", (c: Buffer) => envs.push(...splitter.push(c)));
  await new Promise((r) => stream.once("end", r));
  assert.equal(envs.length, 1);
  assert.equal(envs[0]!.flags, 2);
  assert.match(new TextDecoder().decode(envs[0]!.data), /"code":"invalid_argument".*must be run_request, got clientHeartbeat/);
  await fake.waitForIdle(2000);
  assert.equal(fake.runs[0]!.injected, "bad_first_frame");
});

test("records how each Run stream closed: the client's END_STREAM (requestEnded, closeCode 0), or its cancel (closeCode 8 = CANCEL)", async (t) => {
  const fake = await startFakeCursor({ scenario: { accounts: { "auth0|ends": [[{ text: "x" }, { turnEnded: true }]], "*": [[{ silence: true }]] } } });
  const shared = new Http2SessionManager(fake.url);
  t.after(async () => {
    shared.abort();
    await fake.close();
  });
  assert.equal(await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|ends"), sessionManager: shared }).finish(), null);
  await fake.waitForIdle(2000);
  assert.deepEqual([fake.runs[0]!.requestEnded, fake.runs[0]!.closeCode], [true, 0]);

  const cancelled = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|cancels"), sessionManager: shared });
  await until("the second Run's stream to open", () => fake.openStreams > 0);
  assert.equal(fake.runs[1]!.closeCode, null, "open");
  cancelled.close();
  await fake.waitForIdle(2000);
  assert.equal(fake.runs[1]!.closeCode, 8, "CANCEL");
});
