// A checkpoint keeps a live view of its Run's blob store: a blob Cursor sets after the
// checkpoint frame is still served when the next turn replays that checkpoint.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { startHarness } from "../../support/relay-harness.ts";

const LATE = "a blob set after the checkpoint";
const LATE_ID = createHash("sha256").update(LATE).digest("hex");
const session = { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: "live-blobs" }) };

test("a blob set after the checkpoint frame is there when the checkpoint is replayed", async (t) => {
  const h = await startHarness(t, {
    scenario: {
      turns: [
        [{ text: "first" }, { checkpoint: true }, { kvSet: LATE }, { turnEnded: true }],
        [{ kvGet: LATE_ID }, { text: "second" }, { turnEnded: true }],
      ],
    },
  });
  const client = h.anthropic();
  const first = await client.messages.create({ model: "claude-opus-4-8", max_tokens: 50, metadata: session, messages: [{ role: "user", content: "one" }] });
  await client.messages.create({
    model: "claude-opus-4-8",
    max_tokens: 50,
    metadata: session,
    messages: [
      { role: "user", content: "one" },
      { role: "assistant", content: first.content },
      { role: "user", content: "two" },
    ],
  });
  const replay = h.fake.runs[1]!;
  assert.equal(replay.replayedCheckpoint, true);
  const late = replay.kvReplies.find((r) => r.blobId === LATE_ID);
  assert.ok(late, JSON.stringify(replay.kvReplies));
  assert.equal(late.found, true, "the late blob was served from the checkpoint's store");
});
