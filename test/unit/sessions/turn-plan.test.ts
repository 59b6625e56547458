// The one-way turn path: the sessions take the parsed request and the client key and work
// out the conversation, its thread and the turn input; the Cursor client maps the model
// name for the account the turn lands on, and the Run gets that id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, RunOptions } from "../../../app/cursor/types.ts";
import type { ChatRequest } from "../../../app/sessions/chat-request.ts";
import { conversationIdFor } from "../../../app/sessions/conversation-id.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { fixedAccountPool, sessionRig } from "../../support/session-rig.ts";

const request = (firstUser: string, sessionId: string | null = null): ChatRequest => ({
  api: "openai",
  model: "gpt-5",
  stream: false,
  system: "sys",
  transcript: [{ role: "user", text: firstUser, images: [] }],
  tools: [],
  maxTokens: undefined,
  sessionId,
  showThinking: true,
  includeUsage: false,
});

function setup() {
  const runs: RunOptions[] = [];
  const resolved: string[] = [];
  const cursor: CursorClient = {
    run(options) {
      runs.push(options);
      const events = new AsyncQueue<CursorEvent>();
      events.push({ type: "text", text: "ok" });
      events.push({ type: "turn_ended" });
      events.end();
      return { events, sendToolResult() {}, close() {}, error: undefined, closed: false };
    },
    getUsableModels: async () => [],
    resolveModelId: async (name, token, account) => {
      resolved.push(`${name}|${token}|${account}`);
      return `cursor-${name}`;
    },
  };
  const { sessions } = sessionRig(cursor, { pool: fixedAccountPool({}, { accountId: "acc-7", accessToken: "tok-7" }) });
  return { sessions, runs, resolved };
}

test("planTurn: the conversation comes from the client key and the request; a side thread of it gets its own id", () => {
  const { sessions } = setup();
  const main = sessions.planTurn(request("main", "s-1"), "key-a", { inputTokens: 3 });
  assert.equal(main.conversationId, conversationIdFor("key-a", "s-1", ""));
  assert.equal(main.clientModel, "gpt-5");
  assert.equal(main.inputTokens, 3);
  const side = sessions.planTurn(request("title please", "s-1"), "key-a", { inputTokens: 1 });
  assert.notEqual(side.conversationId, main.conversationId, "a side request never takes the main thread's id");
  assert.equal(sessions.planTurn(request("main", "s-1"), "key-a", { inputTokens: 1 }).conversationId, main.conversationId);
  assert.notEqual(sessions.planTurn(request("main", "s-1"), "key-b", { inputTokens: 1 }).conversationId, main.conversationId, "keys never share");
  assert.equal(
    sessions.planTurn(request("hello"), "key-a", { inputTokens: 1 }).conversationId,
    conversationIdFor("key-a", null, "sys", "hello"),
    "without a session id: system prompt + first user message",
  );
  sessions.close();
});

test("planTurn: a continued conversation (previous_response_id) is taken as it is", () => {
  const { sessions } = setup();
  assert.equal(sessions.planTurn(request("anything"), "key-a", { continues: "conv-earlier", inputTokens: 1 }).conversationId, "conv-earlier");
  sessions.close();
});

test("the Cursor client maps the model for the leased account, and the Run gets that id", async () => {
  const { sessions, runs, resolved } = setup();
  const sink: TurnSink = { contentStarted: false, handle() {}, end() {}, fail: (e) => assert.fail(e.message), ping() {} };
  await sessions.runTurn(sessions.planTurn(request("hi"), "key-a", { inputTokens: 1 }), sink);
  assert.deepEqual(resolved, ["gpt-5|tok-7|acc-7"]);
  assert.equal(runs[0]!.modelId, "cursor-gpt-5");
  assert.equal(runs[0]!.accessToken, "tok-7");
  sessions.close();
});
