// The drift counters see every protocol change the fake can play, over real sockets:
// unknown fields, an unknown frame kind, an unknown update kind, an unknown exec kind, an
// end of stream without turn_ended, and error codes the relay does not classify. Each
// counter holds a kind, a short key and times — never a message's contents.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createCursorClient, type CursorClientHandle } from "../../../app/cursor/client.ts";
import type { CursorRun, RunOptions } from "../../../app/cursor/types.ts";
import { drift } from "../../../app/cursor/drift.ts";
import { upstreamErrors } from "../../../app/cursor/upstream-errors.ts";
import { startFakeCursor, TEXT_TURN, type FakeCursor, type Step } from "../../fake-cursor/index.ts";

let fake: FakeCursor;
let client: CursorClientHandle;
let token: string;

before(async () => {
  fake = await startFakeCursor();
  token = fake.mintAccessToken("auth0|user_drift");
  // Default heartbeats: a heartbeat written just as the fake ends a stream without turn_ended
  // leaves that stream half-open (Connect stops writing once the response is over), and
  // these tests end streams that way on purpose.
  client = createCursorClient({ baseUrl: fake.url });
});
after(async () => {
  client.close();
  await fake.close();
});
beforeEach(() => {
  drift.reset();
  upstreamErrors.reset();
});

let n = 0;
const options = (): RunOptions => ({
  accessToken: token,
  conversationId: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
  modelId: "composer-2",
  userText: "a prompt that must never be counted",
  blobs: new Map(),
  tools: [],
});

async function play(steps: Step[]): Promise<{ text: string; error: unknown }> {
  fake.setScenario({ accounts: { "*": [steps] } });
  const run: CursorRun = client.run(options());
  let text = "";
  try {
    for await (const e of run.events) if (e.type === "text") text += e.text;
    return { text, error: undefined };
  } catch (error) {
    return { text, error };
  } finally {
    await fake.waitForIdle();
  }
}

const counts = () => Object.fromEntries(drift.entries().map((e) => [`${e.kind} ${e.key}`, e.count]));

test("a healthy turn counts nothing", async () => {
  const { error } = await play(TEXT_TURN);
  assert.equal(error, undefined);
  assert.deepEqual(counts(), {});
});

test("unknown fields are counted per message type; the text still arrives", async () => {
  const { text, error } = await play([{ drift: "unknown-field" }, { drift: "unknown-field" }, { turnEnded: true }]);
  assert.equal(error, undefined);
  assert.equal(text, "Drifted text.Drifted text.");
  assert.deepEqual(counts(), { "unknown_field TextDeltaUpdate#990": 2, "unknown_update_kind 991": 2 });
});

test("an unknown frame kind and an unknown update kind are counted and skipped", async () => {
  const { text, error } = await play([{ drift: "unknown-frame-kind" }, { drift: "unknown-update-kind" }, { text: "still here" }, { turnEnded: true }]);
  assert.equal(error, undefined);
  assert.equal(text, "still here");
  assert.deepEqual(counts(), { "unknown_frame_kind 990": 1, "unknown_update_kind 990": 1 });
});

test("an unknown exec kind is counted (and still answered)", async () => {
  const { error } = await play([{ unknownExec: 99 }, { text: "ok" }, { turnEnded: true }]);
  assert.equal(error, undefined);
  assert.equal(counts()["unknown_exec_kind 99"], 1);
  assert.deepEqual(fake.runs.at(-1)!.execReplies.map((r) => r.field), [99]);
});

test("a renamed end of turn: the unknown update kind and the end of stream without turn_ended are counted", async () => {
  await play([{ text: "answer" }, { drift: "renamed-end-stream" }]);
  assert.deepEqual(counts(), { "unknown_update_kind 992": 1, "end_of_stream ended_without_turn_ended": 1 });
});

test("error codes the relay does not classify are counted by code; classified ones are not", async () => {
  await play([{ fail: "failed_precondition", message: "secret words from Cursor" }]);
  await play([{ fail: "resource_exhausted" }]);
  await play([{ httpStatus: 418 }]);
  assert.deepEqual(counts(), { "unclassified_error failed_precondition": 1, "unclassified_error http_418": 1 });
  assert.deepEqual(
    upstreamErrors.list().map((e) => [e.upstreamCode, e.status]),
    [["failed_precondition", 502], ["resource_exhausted", 429], ["http_418", 502]],
  );
  assert.ok(!JSON.stringify(upstreamErrors.list()).includes("secret words"), "codes only, never Cursor's message");
});

test("first-seen and last-seen times; entries never carry contents", async () => {
  const t0 = Date.now();
  await play([{ drift: "unknown-field" }, { turnEnded: true }]);
  await play([{ drift: "unknown-field" }, { turnEnded: true }]);
  const entry = drift.entries().find((e) => e.kind === "unknown_field")!;
  assert.equal(entry.count, 2);
  assert.ok(entry.firstSeenAt >= t0 && entry.lastSeenAt >= entry.firstSeenAt);
  assert.ok(!JSON.stringify(drift.entries()).includes("Drifted") && !JSON.stringify(drift.entries()).includes("new"));
});
