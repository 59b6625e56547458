// The bench's pass-through baseline (bench/children/forwarder.ts) must be a faithful
// pipe, or the first-token split it gives is meaningless: a Run through it reaches the
// fake with its request intact and streams every event back, and a client that closes
// its Run early closes the Run on the fake too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createCursorClient } from "../../../app/cursor/client.ts";
import { startChild } from "../../../bench/lib/child.ts";
import { startFakeCursor } from "../../fake-cursor/index.ts";

const run = (cursor: ReturnType<typeof createCursorClient>, accessToken: string, userText: string) =>
  cursor.run({ accessToken, conversationId: crypto.randomUUID(), modelId: "composer-2", userText, blobs: new Map(), tools: [] });

test("bench forwarder: a Run through it is the same Run on the fake; an early close reaches the fake", async (t) => {
  const fake = await startFakeCursor({ scenario: { turns: [{ prologue: false, steps: [{ text: "Hello" }, { sleepMs: 50 }, { text: " there." }, { turnEnded: true }] }] } });
  const forwarder = await startChild("forwarder", { args: [fake.url] });
  const cursor = createCursorClient({ baseUrl: await forwarder.call<string>("url"), onDiagnostic: () => {} });
  t.after(async () => {
    cursor.close();
    await forwarder.stop();
    await fake.close();
  });
  const token = fake.mintAccessToken("auth0|forwarder_test");

  let text = "";
  for await (const ev of run(cursor, token, "through the pipe").events) if (ev.type === "text") text += ev.text;
  assert.equal(text, "Hello there.");
  await fake.waitForIdle(10_000);
  assert.equal(fake.runs[0]?.userText, "through the pipe");
  assert.equal(fake.runs[0]?.outcome, "completed");

  fake.setScenario({ turns: [{ prologue: false, steps: [{ text: "first" }, { sleepMs: 60_000 }, { text: "never" }, { turnEnded: true }] }] });
  const slow = run(cursor, token, "closed early");
  for await (const ev of slow.events) if (ev.type === "text") break;
  slow.close();
  await fake.waitForIdle(10_000);
  assert.equal(fake.runs[1]?.outcome, "client_closed");
});
