// A stream parked on a tool call may stay open for minutes: it must not keep the request
// that opened it (Claude Code's system prompt and tool schemas are hundreds of KB).
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CursorRunStream } from "../../../app/cursor/run.ts";
import type { RunOptions } from "../../../app/cursor/types.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { ScriptedAgent, settle } from "./scripted-agent-client.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("after its first frame a run holds no reference to the request (its tool schema objects are collected)", async () => {
  const agent = new ScriptedAgent();
  const clock = new ManualClock();
  let probe: WeakRef<object>;
  const run = (() => {
    const big = { schema: "x".repeat(200_000) };
    probe = new WeakRef(big);
    const options: RunOptions = {
      accessToken: "tok",
      conversationId: "c-1",
      modelId: "m",
      userText: "y".repeat(100_000),
      systemPrompt: "z".repeat(100_000),
      blobs: new Map(),
      tools: [{ name: "Bash", description: "Run", inputSchema: big }],
    };
    return new CursorRunStream({ client: agent.client, clock, heartbeatMs: 5000, stallTimeoutMs: 90_000 }, options);
  })();
  await settle();
  assert.equal(agent.received.length >= 1, true, "the first frame went out");
  for (let i = 0; i < 3 && probe!.deref() !== undefined; i++) {
    await settle();
    gc();
  }
  assert.equal(probe!.deref(), undefined, "the tool schema object was collected while the run is open");
  assert.equal(run.closed, false);
  run.close();
});
