// The Cursor client against the shared fake Cursor (test/fake-cursor) over real loopback
// HTTP/2: text turns, tool round trips on the same stream, KV, request context, native
// exec rejections, unknown kinds, Connect errors, resets, flow control, stream cleanup.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createCursorClient, type CursorClientHandle } from "../../../app/cursor/client.ts";
import type { CursorEvent, RunOptions, ToolCallRequest } from "../../../app/cursor/types.ts";
import { startFakeCursor, type FakeCursor } from "../../fake-cursor/index.ts";
import { runEvents, runFailure } from "../../support/run-events.ts";

let fake: FakeCursor;
let client: CursorClientHandle;
let token: string;

before(async () => {
  fake = await startFakeCursor();
  token = fake.mintAccessToken("auth0|user_cursor_it");
  client = createCursorClient({ baseUrl: fake.url, heartbeatMs: 20 });
});

after(async () => {
  client.close();
  await fake.close();
});

let convCounter = 0;
const options = (over: Partial<RunOptions> = {}): RunOptions => ({
  accessToken: token,
  conversationId: `00000000-0000-4000-8000-${String(++convCounter).padStart(12, "0")}`,
  modelId: "composer-2",
  userText: "hello",
  systemPrompt: "You are the relay test <system>.",
  blobs: new Map(),
  tools: [],
  ...over,
});

const lastRun = () => fake.runs[fake.runs.length - 1]!;
const texts = (events: CursorEvent[]) => events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");

test("text turn: events, KV get of the root prompt blob, headers, stream closed afterwards", async () => {
  fake.setScenario("text");
  const run = client.run(options());
  const events = await runEvents(run);
  assert.deepEqual(
    events.filter((e) => e.type !== "checkpoint"),
    [
      { type: "thinking", text: "The user said hello; answer briefly." },
      { type: "thinking_done", durationMs: 120 },
      { type: "text", text: "Hello from " },
      { type: "tokens", tokens: 3 },
      { type: "text", text: "fake Cursor." },
      { type: "tokens", tokens: 2 },
      { type: "turn_ended" },
    ],
  );
  const ckpt = events.find((e) => e.type === "checkpoint");
  assert.ok(ckpt && ckpt.bytes.length > 0);
  const rec = lastRun();
  assert.equal(rec.modelId, "composer-2");
  assert.equal(rec.userText, "hello");
  assert.equal(rec.systemPrompt, "You are the relay test <system>.", "KV get answered with the system blob");
  assert.equal(rec.rootPromptBlobIds.length, 1);
  assert.ok(rec.kvReplies.some((r) => r.kind === "get" && r.found === true));
  assert.equal(rec.headers["x-ghost-mode"], "true");
  assert.equal(rec.headers["x-cursor-client-type"], "cli");
  assert.match(rec.headers["x-request-id"] ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(rec.sub, "auth0|user_cursor_it");
  await fake.waitForIdle(2000);
  assert.equal(fake.openStreams, 0);
});

test("client heartbeats reach the server while it waits", async () => {
  fake.setScenario({ turns: [[{ waitForHeartbeats: 3 }, { text: "ok" }, { turnEnded: true }]] });
  const events = await runEvents(client.run(options()));
  assert.equal(texts(events), "ok");
  assert.ok(lastRun().heartbeats >= 3);
});

test("tool call round trip on the same stream; request_context gets the tools; KV answered while parked", async () => {
  fake.setScenario({
    turns: [
      [
        { text: "Let me look." },
        { toolCall: { name: "Bash", args: { command: "echo relay-ok", n: 2 }, id: "toolu_01\nbash", kvWhileWaiting: true } },
        { replyWithToolResult: "Tool said: " },
        { checkpoint: true },
        { turnEnded: true },
      ],
    ],
  });
  const run = client.run(
    options({ tools: [{ name: "Bash", description: "Run a command", inputSchema: { type: "object", properties: { command: { type: "string" } } } }] }),
  );
  const it = run.events[Symbol.asyncIterator]();
  const seen: CursorEvent[] = [];
  let call: ToolCallRequest | undefined;
  while (!call) {
    const r = await it.next();
    assert.ok(!r.done, "a tool_call arrives before the turn ends");
    seen.push(r.value);
    if (r.value.type === "tool_call") call = r.value.call;
  }
  assert.equal(texts(seen), "Let me look.");
  assert.equal(call.name, "Bash");
  assert.equal(call.toolCallId, "toolu_01\nbash");
  assert.deepEqual(JSON.parse(call.argsJson), { command: "echo relay-ok", n: 2 });
  // parked: nobody pulls for a while, the server keeps the stream busy
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(run.closed, false);
  run.sendToolResult(call, { text: "relay-ok", isError: false });
  const rest: CursorEvent[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
  assert.equal(texts(rest), "Tool said: relay-ok");
  assert.equal(rest[rest.length - 1]!.type, "turn_ended");

  const rec = lastRun();
  assert.deepEqual(rec.toolNames, ["Bash"]);
  assert.deepEqual(rec.requestContextTools, ["Bash"]);
  assert.equal(rec.toolResults.length, 1);
  assert.deepEqual(
    { ...rec.toolResults[0]!, kind: undefined },
    { execId: call.execId, execIdString: call.execIdString, toolCallId: "toolu_01\nbash", text: "relay-ok", isError: false, kind: undefined },
  );
  assert.ok(rec.kvReplies.length >= 2, "KV get while parked answered");
  assert.ok(rec.execReplies.some((r) => r.field === 10), "request_context answered in field 10");
  assert.ok(rec.execReplies.some((r) => r.field === 11), "mcp_result in field 11");
});

test("is_error of a tool result is forwarded", async () => {
  fake.setScenario({ turns: [[{ toolCall: { name: "Read", args: {} } }, { replyWithToolResult: "" }, { turnEnded: true }]] });
  const run = client.run(options({ tools: [{ name: "Read", description: "", inputSchema: {} }] }));
  for await (const e of run.events) {
    if (e.type === "tool_call") run.sendToolResult(e.call, { text: "no such file", isError: true });
  }
  assert.equal(lastRun().toolResults[0]?.isError, true);
});

// native exec kind → result field expected on the wire (docs/protocol.md §4.11)
const NATIVE_FIELDS: Record<string, number> = {
  shell: 2, write: 3, delete: 4, grep: 5, read: 7, ls: 8, diagnostics: 9, shellStream: 2, backgroundShellSpawn: 16,
  listMcpResources: 17, readMcpResource: 18, fetch: 20, recordScreen: 21, computerUse: 22, writeShellStdin: 23,
};

test("every native exec kind and an unknown exec kind get a reply with the right field numbers", async () => {
  const kinds = Object.keys(NATIVE_FIELDS);
  fake.setScenario({
    turns: [
      [
        ...kinds.map((k) => ({ nativeExec: k }) as { nativeExec: "shell" }),
        { unknownExec: 40 },
        { text: "all answered" },
        { turnEnded: true },
      ],
    ],
  });
  const events = await runEvents(client.run(options()));
  assert.equal(texts(events), "all answered");
  const fields = lastRun().execReplies.map((r) => r.field);
  assert.deepEqual(fields, [...kinds.map((k) => NATIVE_FIELDS[k]!), 40]);
});

test("unknown ToolCall kind 37 in tool_call_started and a multi-field frame do not break the turn", async () => {
  fake.setScenario({
    turns: [[{ toolCallStarted: { kind: 37 } }, { multiFieldFrame: { text: "both ", kvSet: "blob-data" } }, { text: "fine" }, { turnEnded: true }]],
  });
  const blobs = new Map<string, Uint8Array>();
  const events = await runEvents(client.run(options({ blobs })));
  assert.equal(texts(events), "both fine");
  assert.ok(lastRun().kvReplies.some((r) => r.kind === "set"), "the KV request in the same frame was answered");
  assert.ok([...blobs.values()].some((b) => new TextDecoder().decode(b) === "blob-data"));
});

test("checkpoint replay: verbatim bytes on the next Run, blobs served from the stored store", async () => {
  fake.setScenario("text");
  const conversationId = "11111111-2222-4333-8444-555555555555";
  const blobs = new Map<string, Uint8Array>();
  const first = await runEvents(client.run(options({ conversationId, blobs })));
  const ckpt = first.find((e) => e.type === "checkpoint");
  assert.ok(ckpt && ckpt.type === "checkpoint");
  await runEvents(client.run(options({ conversationId, checkpoint: ckpt.bytes, blobs: new Map(blobs), systemPrompt: "changed" })));
  const rec = lastRun();
  assert.equal(rec.replayedCheckpoint, true);
  assert.deepEqual([...rec.conversationStateBytes], [...ckpt.bytes]);
});

test("resource_exhausted before any text → 429 RelayError (rate_limited, upstream code kept)", async () => {
  fake.setScenario({ turns: [[{ fail: "resource_exhausted", message: "You have reached your usage limit (fake Cursor)." }]] });
  const run = client.run(options());
  const { seen, error } = await runFailure(run);
  assert.deepEqual(seen, []);
  assert.equal(error.status, 429);
  assert.equal(error.kind, "rate_limited");
  assert.equal(error.upstreamCode, "resource_exhausted");
  assert.match(error.message, /usage limit/);
  assert.equal(run.error, error);
});

test("resource_exhausted after some text → text, then the 429", async () => {
  fake.setScenario("exhausted-after-text");
  const { seen, error } = await runFailure(client.run(options()));
  assert.equal(texts(seen), "Partial answer ");
  assert.equal(error.status, 429);
});

test("unauthenticated (bad token) → 401 upstream_auth", async () => {
  fake.setScenario("text");
  const { error } = await runFailure(client.run(options({ accessToken: "not-a-jwt" })));
  assert.equal(error.status, 401);
  assert.equal(error.kind, "upstream_auth");
});

for (const [label, step] of [
  ["RST_STREAM", { rstStream: true }],
  ["GOAWAY", { goaway: true }],
] as const) {
  test(`${label} mid-stream → 502 upstream_error`, async () => {
    fake.setScenario({ turns: [[{ text: "before " }, step]] });
    const { seen, error } = await runFailure(client.run(options()));
    // RST: the text before it is delivered. GOAWAY(INTERNAL_ERROR) sent right after the text
    // makes Node destroy the session at once, dropping DATA not yet read — only the error is
    // guaranteed (resets.test.ts covers text-then-GOAWAY with a gap).
    if (label === "RST_STREAM") assert.equal(texts(seen), "before ");
    assert.equal(error.status, 502, error.message);
    assert.equal(error.kind, "upstream_error");
  });
}

test("a non-200 HTTP status is an error, not an empty success", async () => {
  fake.setScenario({ turns: [[{ httpStatus: 503 }]] });
  const { error } = await runFailure(client.run(options()));
  assert.equal(error.status, 503);
});

test("2 MB request through a 16 KB initial window", async () => {
  const small = await startFakeCursor({ initialWindowSize: 16_384 });
  const c = createCursorClient({ baseUrl: small.url });
  try {
    const big = "y".repeat(2 * 1024 * 1024);
    const events = await runEvents(c.run(options({ accessToken: small.mintAccessToken("auth0|big"), userText: big })));
    assert.equal(events[events.length - 1]?.type, "turn_ended");
    assert.equal(small.runs[0]!.userText.length, big.length);
    assert.equal(small.runs[0]!.userText, big);
  } finally {
    c.close();
    await small.close();
  }
});

test("closing a run mid-turn cancels its stream: openStreams returns to 0", async () => {
  fake.setScenario({ turns: [[{ text: "start" }, { silence: { heartbeatMs: 20 } }]] });
  const run = client.run(options());
  const it = run.events[Symbol.asyncIterator]();
  assert.deepEqual((await it.next()).value, { type: "text", text: "start" });
  assert.equal(fake.openStreams, 1);
  run.close();
  await fake.waitForIdle(2000);
  assert.equal(fake.openStreams, 0);
  assert.equal((await it.next()).done, true);
  assert.equal(lastRun().outcome, "client_closed");
});

test("GetUsableModels against the fake, and the fallback when it fails", async () => {
  fake.setScenario({ models: { list: [{ id: "composer-2.5", thinking: true }, { id: "claude-4.5-sonnet", aliases: ["sonnet-4.5"] }] } });
  const models = await client.getUsableModels(token, "fake-acct");
  assert.deepEqual(models.map((m) => m.id), ["composer-2.5", "claude-4.5-sonnet"]);
  assert.equal(models[0]!.supportsThinking, true);
  assert.equal(await client.resolveModelId("claude-sonnet-4-5-20250929", token, "fake-acct"), "claude-4.5-sonnet");
  fake.setScenario({ models: { fail: true } });
  const fallback = await client.getUsableModels(token, "fresh-acct");
  assert.equal(fallback[0]!.id, "composer-2");
});
