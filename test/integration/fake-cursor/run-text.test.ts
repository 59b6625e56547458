// The `text` scenario end to end over real sockets: every frame decoded, the Connect
// end-stream `{}` seen on the raw HTTP/2 stream, what the fake recorded, checkpoint replay.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import { ConversationStateStructureSchema, InteractionUpdateSchema, KvServerMessageSchema } from "../../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, AgentServerFrameSchema } from "../../../proto/gen/agent/v1/agent_service_pb.ts";
import { startFakeCursor, TEXT_REPLY, TEXT_THINKING } from "../../fake-cursor/index.ts";
import { EnvelopeSplitter } from "../../fake-cursor/frames.ts";
import { blobIdOf, hexOf, RunClient, systemBlob, updateCases } from "./run-client.ts";

test("text: thinking, text, tokens, checkpoint, turn_ended; the fake records the request", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const token = fake.mintAccessToken("auth0|user_a");
  const run = new RunClient(fake.url, { token, systemPrompt: "Be terse.", userText: "hello there", tools: ["Bash", "Read"] });
  run.heartbeat();
  const error = await run.finish();
  assert.equal(error, null);
  assert.deepEqual(updateCases(run), [
    "kv:getBlobArgs",
    "exec:requestContextArgs",
    "thinkingDelta",
    "thinkingCompleted",
    "heartbeat",
    "textDelta",
    "tokenDelta",
    "textDelta",
    "tokenDelta",
    "kv:setBlobArgs",
    "checkpoint",
    "turnEnded",
  ]);
  assert.equal(run.text(), TEXT_REPLY);
  const thinking = run.updates.find((u) => u.message.case === "thinkingDelta");
  assert.equal(thinking?.message.value && "text" in thinking.message.value ? thinking.message.value.text : "", TEXT_THINKING);
  const tokens = run.updates.reduce((n, u) => n + (u.message.case === "tokenDelta" ? u.message.value.tokens : 0), 0);
  assert.equal(tokens, 5);

  // The checkpoint references the blob the fake set, so a replay must be able to serve it.
  const checkpoint = run.frames.find((f) => f.checkpoint)!.checkpoint!;
  const state = fromBinary(ConversationStateStructureSchema, checkpoint);
  const setFrame = run.frames.find((f) => f.kv?.message.case === "setBlobArgs")!.kv!;
  assert.equal(setFrame.message.case, "setBlobArgs");
  const setId = setFrame.message.case === "setBlobArgs" ? hexOf(setFrame.message.value.blobId) : "";
  assert.ok(state.rootPromptMessagesJson.map(hexOf).includes(setId));

  await fake.waitForIdle(2000);
  assert.equal(fake.openStreams, 0);
  const rec = fake.runs[0]!;
  assert.equal(rec.sub, "auth0|user_a");
  assert.equal(rec.userText, "hello there");
  assert.equal(rec.modelId, "composer-2");
  assert.equal(rec.conversationId, "0f1e2d3c-0000-4000-8000-000000000001");
  assert.deepEqual(rec.toolNames, ["Bash", "Read"]);
  assert.deepEqual(rec.requestContextTools, ["Bash", "Read"]);
  assert.deepEqual(rec.rootPromptBlobIds, [hexOf(blobIdOf(systemBlob("Be terse.")))]);
  assert.equal(rec.systemPrompt, "Be terse.");
  assert.equal(rec.heartbeats, 1);
  assert.equal(rec.headers["content-type"], "application/connect+proto");
  assert.equal(rec.outcome, "completed");
  assert.equal(rec.streamClosed, true);
  assert.equal(rec.replayedCheckpoint, false);
  assert.deepEqual(rec.kvReplies.map((k) => [k.kind, k.found ?? null]), [["get", true], ["set", null]]);

  // Turn 2 replays the checkpoint: the fake recognises it and asks for its blobs.
  const again = new RunClient(fake.url, { token, checkpoint, blobs: run.blobs, userText: "and again" });
  assert.equal(await again.finish(), null);
  await fake.waitForIdle(2000);
  const rec2 = fake.runs[1]!;
  assert.equal(rec2.replayedCheckpoint, true);
  assert.equal(rec2.replayedCheckpointOwner, "auth0|user_a");
  assert.deepEqual(rec2.rootPromptBlobIds, []);
  assert.equal(rec2.systemPrompt, "Be terse.");
  assert.ok(rec2.kvReplies.filter((k) => k.kind === "get").every((k) => k.found === true));
  assert.equal(rec2.turnIndex, 1);
});

test("text over a raw HTTP/2 stream: 200, connect+proto, data envelopes, then end-stream {} and END_STREAM", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const session = connect(fake.url);
  t.after(() => session.destroy());
  const stream = session.request({
    ":method": "POST",
    ":path": "/agent.v1.AgentService/Run",
    "content-type": "application/connect+proto",
    "connect-protocol-version": "1",
    authorization: `Bearer ${fake.mintAccessToken("auth0|raw")}`,
  });
  const state = toBinary(ConversationStateStructureSchema, create(ConversationStateStructureSchema, {}));
  const first = create(AgentClientFrameSchema, {
    message: { case: "runRequest", value: { conversationState: state, conversationId: "raw-1", action: { action: { case: "userMessageAction", value: { userMessage: { text: "hi" } } } } } },
  });
  stream.write(encodeEnvelope(0, toBinary(AgentClientFrameSchema, first)));
  const headers = await new Promise<Record<string, unknown>>((resolve) => stream.once("response", resolve));
  assert.equal(headers[":status"], 200);
  assert.equal(headers["content-type"], "application/connect+proto");
  const splitter = new EnvelopeSplitter();
  const envelopes: { flags: number; data: Uint8Array }[] = [];
  stream.on("data", (chunk: Buffer) => {
    for (const env of splitter.push(chunk)) {
      envelopes.push(env);
      if (env.flags !== 0) continue;
      const frame = fromBinary(AgentServerFrameSchema, env.data);
      if (frame.kvServerMessage) {
        // No blobs on this client: answer every KV request plainly.
        const kv = fromBinary(KvServerMessageSchema, frame.kvServerMessage);
        const message = kv.message.case === "getBlobArgs" ? { case: "getBlobResult" as const, value: {} } : { case: "setBlobResult" as const, value: {} };
        stream.write(encodeEnvelope(0, toBinary(AgentClientFrameSchema, create(AgentClientFrameSchema, { message: { case: "kvClientMessage", value: { id: kv.id, message } } }))));
      }
    }
  });
  await new Promise<void>((resolve) => stream.once("end", resolve));
  stream.end();
  const last = envelopes.at(-1)!;
  assert.equal(last.flags, 0x02);
  assert.equal(new TextDecoder().decode(last.data), "{}");
  assert.equal(splitter.pendingBytes, 0);
  const dataFrames = envelopes.slice(0, -1).map((e) => fromBinary(AgentServerFrameSchema, e.data));
  assert.ok(dataFrames.every((f, i) => envelopes[i]!.flags === 0 && Object.keys(f).some((k) => !k.startsWith("$"))));
  const lastUpdate = dataFrames.at(-1)!.interactionUpdate!;
  assert.equal(fromBinary(InteractionUpdateSchema, lastUpdate).message.case, "turnEnded");
  assert.ok(dataFrames.some((f) => f.conversationCheckpointUpdate !== undefined));
  await fake.waitForIdle(2000);
  assert.equal(fake.runs[0]!.outcome, "completed");
});
