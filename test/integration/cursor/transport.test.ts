// The Cursor client over real loopback HTTP/2 against a scripted raw server: headers of
// docs/protocol.md §1.2, non-200 answers are errors, and the GetUsableModels cache (last good, fallback).
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { GetUsableModelsResponseSchema, InteractionUpdateSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { CLIENT_VERSION_PATTERN } from "../../../app/cursor/transport.ts";
import { createCursorClient } from "../../../app/cursor/client.ts";
import { FALLBACK_MODELS } from "../../../app/cursor/models.ts";
import type { CursorEvent, RunOptions } from "../../../app/cursor/types.ts";
import { envelope, startRawServer } from "./raw-h2-server.ts";
import { runEvents } from "../../support/run-events.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const runOptions = (over: Partial<RunOptions> = {}): RunOptions => ({
  accessToken: "token-abc",
  conversationId: "conv-1",
  modelId: "composer-2",
  userText: "hi",
  blobs: new Map(),
  tools: [],
  ...over,
});

const serverFrame = (m: Parameters<typeof create<typeof InteractionUpdateSchema>>[1]) =>
  envelope(
    toBinary(AgentServerFrameSchema, create(AgentServerFrameSchema, { interactionUpdate: toBinary(InteractionUpdateSchema, create(InteractionUpdateSchema, m)) })),
  );

test("Run sends the Cursor headers (fresh request id per call) and reads a turn", async () => {
  const server = await startRawServer();
  const client = createCursorClient({ baseUrl: server.url });
  try {
    server.setHandler((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
      stream.write(serverFrame({ message: { case: "textDelta", value: { text: "Hello" } } }));
      stream.write(serverFrame({ message: { case: "turnEnded", value: {} } }));
      // no end-stream envelope, no END_STREAM: the client must finish on turn_ended alone
    });
    for (let i = 0; i < 2; i++) {
      const run = client.run(runOptions());
      assert.deepEqual(await runEvents(run), [{ type: "text", text: "Hello" }, { type: "turn_ended" }]);
    }
    const [a, b] = server.requests;
    for (const r of [a!, b!]) {
      assert.equal(r.path, "/agent.v1.AgentService/Run");
      assert.equal(r.headers["authorization"], "Bearer token-abc");
      assert.equal(r.headers["x-ghost-mode"], "true");
      assert.match(String(r.headers["x-cursor-client-version"]), CLIENT_VERSION_PATTERN);
      assert.equal(r.headers["x-cursor-client-type"], "cli");
      assert.equal(r.headers["content-type"], "application/connect+proto");
      assert.equal(r.headers["connect-protocol-version"], "1");
      assert.match(String(r.headers["x-request-id"]), UUID_V4);
    }
    assert.notEqual(a!.headers["x-request-id"], b!.headers["x-request-id"]);
  } finally {
    client.close();
    await server.close();
  }
});

test("a bare non-200 answer is an error with the status' meaning, never an empty success", async () => {
  const server = await startRawServer();
  const client = createCursorClient({ baseUrl: server.url });
  try {
    server.setHandler((stream) => stream.respond({ ":status": 429, "retry-after": "7" }, { endStream: true }));
    let run = client.run(runOptions());
    await assert.rejects(runEvents(run), (e: unknown) => e instanceof RelayError && e.status === 429 && e.retryAfterMs === 7000);
    assert.equal(run.error?.kind, "rate_limited");

    server.setHandler((stream) => stream.respond({ ":status": 503 }, { endStream: true }));
    run = client.run(runOptions());
    await assert.rejects(runEvents(run), (e: unknown) => e instanceof RelayError && e.status === 503);

    server.setHandler((stream) => stream.respond({ ":status": 500, "content-type": "text/plain" }, { endStream: true }));
    run = client.run(runOptions());
    await assert.rejects(runEvents(run), (e: unknown) => e instanceof RelayError && e.status >= 500);
  } finally {
    client.close();
    await server.close();
  }
});

test("end-stream error with retry metadata → classified error carrying retryAfterMs", async () => {
  const server = await startRawServer();
  const client = createCursorClient({ baseUrl: server.url });
  try {
    server.setHandler((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
      stream.write(serverFrame({ message: { case: "textDelta", value: { text: "part" } } }));
      const end = { error: { code: "resource_exhausted", message: "quota" }, metadata: { "retry-after": ["12"] } };
      stream.end(envelope(new TextEncoder().encode(JSON.stringify(end)), 2));
    });
    const run = client.run(runOptions());
    const seen: CursorEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of run.events) seen.push(e);
      })(),
      (e: unknown) => e instanceof RelayError && e.status === 429 && e.upstreamCode === "resource_exhausted" && e.retryAfterMs === 12_000,
    );
    assert.deepEqual(seen, [{ type: "text", text: "part" }]);
    assert.match(run.error!.message, /quota/);
  } finally {
    client.close();
    await server.close();
  }
});

test("GetUsableModels: unary proto with Cursor headers, cached per account, last good on failure, else fallback", async () => {
  const server = await startRawServer();
  const clock = new ManualClock();
  const client = createCursorClient({ baseUrl: server.url, clock, modelCacheMs: 60_000 });
  let fail = false;
  let calls = 0;
  server.setHandler((stream) => {
    calls++;
    if (fail) {
      stream.respond({ ":status": 502 }, { endStream: true });
      return;
    }
    stream.respond({ ":status": 200, "content-type": "application/proto" });
    stream.end(
      Buffer.from(
        toBinary(
          GetUsableModelsResponseSchema,
          create(GetUsableModelsResponseSchema, { models: [{ modelId: "composer-2.5", displayName: "Composer 2.5", thinkingDetails: {} }, { modelId: "gpt-5" }] }),
        ),
      ),
    );
  });
  try {
    const first = await client.getUsableModels("tok-a", "acct-a");
    assert.deepEqual(first.map((m) => m.id), ["composer-2.5", "gpt-5"]);
    assert.equal(first[0]!.supportsThinking, true);
    const req = server.requests[0]!;
    assert.equal(req.path, "/agent.v1.AgentService/GetUsableModels");
    assert.equal(req.headers["content-type"], "application/proto");
    assert.equal(req.headers["authorization"], "Bearer tok-a");
    assert.equal(req.headers["x-cursor-client-type"], "cli");

    first[0]!.aliases.push("mutated");
    const cached = await client.getUsableModels("tok-a", "acct-a");
    assert.equal(calls, 1, "served from cache");
    assert.deepEqual(cached[0]!.aliases, [], "callers get copies");

    fail = true;
    clock.advance(61_000);
    const lastGood = await client.getUsableModels("tok-a", "acct-a");
    assert.equal(calls, 2, "refetched after the cache time");
    assert.deepEqual(lastGood.map((m) => m.id), ["composer-2.5", "gpt-5"], "failure → last good");

    const other = await client.getUsableModels("tok-b", "acct-b");
    assert.deepEqual(other.map((m) => m.id), FALLBACK_MODELS.map((m) => m.id), "no last good → fallback");

    assert.equal(await client.resolveModelId("claude-sonnet-4-5", "tok-a", "acct-a"), "composer-2.5");
  } finally {
    client.close();
    await server.close();
  }
});
