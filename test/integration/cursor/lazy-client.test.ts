// The lazily loaded Cursor client (what the relay starts with): a Run asked for before
// the client module loaded starts once it has and streams the same events; one closed
// before that never reaches Cursor; models load it on demand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createLazyCursorClient } from "../../../app/cursor/lazy-client.ts";
import type { CursorEvent, RunOptions } from "../../../app/cursor/types.ts";
import { startFakeCursor, TEXT_REPLY } from "../../fake-cursor/index.ts";

const options = (token: string, n: number): RunOptions => ({
  accessToken: token,
  conversationId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  modelId: "composer-2",
  userText: "hello",
  blobs: new Map(),
  tools: [],
});

test("a run started before the client loaded streams the whole turn; one closed before that never opens a stream", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const token = fake.mintAccessToken("auth0|user_lazy");
  const client = createLazyCursorClient({ baseUrl: fake.url });
  t.after(() => client.close());

  const early = client.run(options(token, 1));
  const cancelled = client.run(options(token, 2));
  cancelled.close();
  assert.equal(cancelled.closed, true);

  const events: CursorEvent[] = [];
  for await (const e of early.events) events.push(e);
  const text = events.flatMap((e) => (e.type === "text" ? [e.text] : [])).join("");
  assert.equal(text, TEXT_REPLY);
  assert.equal(events.at(-1)?.type, "turn_ended");
  assert.equal(early.error, undefined);

  const afterCancel: CursorEvent[] = [];
  for await (const e of cancelled.events) afterCancel.push(e);
  assert.deepEqual(afterCancel, []);
  await fake.waitForIdle();
  assert.equal(fake.runs.length, 1, "the cancelled run never reached Cursor");

  // Loaded now: runs go straight to the real client.
  const later = client.run(options(token, 3));
  const more: CursorEvent[] = [];
  for await (const e of later.events) more.push(e);
  assert.equal(more.at(-1)?.type, "turn_ended");
});

test("the model list loads the client on demand; preload is idempotent", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const client = createLazyCursorClient({ baseUrl: fake.url });
  t.after(() => client.close());
  const models = await client.getUsableModels(fake.mintAccessToken("auth0|user_lazy_m"));
  assert.ok(models.some((m) => m.id === "composer-2"), JSON.stringify(models));
  await client.preload();
  await client.preload();
  assert.equal(fake.modelRequests.length, 1);
});
