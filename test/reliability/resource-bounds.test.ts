// Upstream streams are freed when nobody needs them: a client that disconnects mid-turn
// frees its Cursor stream at once (no watchdog involved — they are all minutes long
// here), and streams parked on tool calls nobody answers are freed when the park timeout
// runs out (on an injected clock, not by sleeping).
import assert from "node:assert/strict";
import { request, type ClientRequest } from "node:http";
import { test } from "node:test";
import type { Scenario, Step } from "../fake-cursor/index.ts";
import { startHarness, type Harness } from "../support/relay-harness.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { until } from "../support/until.ts";

type Client = "anthropic streaming" | "openai streaming" | "anthropic non-streaming";

function open(h: Harness, client: Client, onData: (text: string) => void): ClientRequest {
  const anthropic = client.startsWith("anthropic");
  const body = JSON.stringify({
    model: anthropic ? "claude-opus-4-8" : "gpt-5",
    max_tokens: 100,
    stream: client.endsWith(" streaming"),
    messages: [{ role: "user", content: "hi" }],
  });
  const req = request(`${h.url}${anthropic ? "/v1/messages" : "/v1/chat/completions"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(anthropic ? { "x-api-key": h.key, "anthropic-version": "2023-06-01" } : { authorization: `Bearer ${h.key}` }),
    },
  });
  req.on("response", (res) => res.on("data", (d: Buffer) => onData(d.toString())));
  req.on("error", () => {});
  req.end(body);
  return req;
}

for (const client of ["anthropic streaming", "openai streaming", "anthropic non-streaming"] as const) {
  for (const afterText of [false, true]) {
    test(`${client}: a client that disconnects ${afterText ? "after the first text" : "before any text"} frees the upstream stream at once`, async (t) => {
      const steps: Step[] = [...(afterText ? [{ text: "partial " }, { tokens: 2 }, { kvSet: "ack" }] : []), { silence: { heartbeatMs: 50 } }];
      const h = await startHarness(t, { scenario: { accounts: { "*": [steps] } } });
      let received = "";
      const req = open(h, client, (d) => (received += d));
      // The Run is open and silent (its text, if any, read by the relay; streamed to the client).
      await until("the silent Run", () => h.fake.runs[0]?.injected === "heartbeats_only");
      if (afterText && client.endsWith(" streaming")) await until("the partial text at the client", () => received.includes("partial"));
      assert.equal(h.fake.openStreams, 1);
      const cut = Date.now();
      req.destroy();
      await h.fake.waitForIdle(1000); // the stall watchdog is 90 s and the progress one 180 s away
      t.diagnostic(`upstream stream closed ${Date.now() - cut} ms after the client left`);
      assert.equal(h.fake.runs[0]!.outcome, "client_closed");
      assert.equal(h.fake.runs.length, 1, "nothing retried for a client that is gone");
      await until("the session to close", () => h.app.parts.sessions.liveCount === 0, 1000);
    });
  }
}

test("streams parked on tool calls nobody answers are freed when the park timeout runs out, not before", async (t) => {
  const PARK_MS = 30_000;
  const clock = new ManualClock(Date.now());
  const toolTurn: Step[] = [{ toolCall: { name: "Bash", args: { command: "echo never-answered" } } }, { replyWithToolResult: "Tool said: " }, { turnEnded: true }];
  const scenario: Scenario = { accounts: { "*": [toolTurn] } };
  // The park timeout is below the stall watchdog (90 s), so it is the park timer that frees them.
  const h = await startHarness(t, { scenario, accounts: ["p1", "p2"], relay: { clock, sessions: { parkTimeoutMs: PARK_MS } } });
  const tools = [{ name: "Bash", description: "Run a shell command", input_schema: { type: "object", properties: { command: { type: "string" } } } }];
  const N = 12;
  const responses = Array.from({ length: N }, (_, i) =>
    fetch(`${h.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": h.key, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "claude-opus-4-8",
        max_tokens: 100,
        tools,
        metadata: { user_id: JSON.stringify({ device_id: "d", account_uuid: "", session_id: `parked-${i}` }) },
        messages: [{ role: "user", content: `run something ${i}` }],
      }),
    }).then((r) => r.json() as Promise<{ stop_reason: string }>),
  );
  // The tool-call gather window runs on the injected clock: move it until every client has its tool_use.
  let done = 0;
  for (const r of responses) void r.then(() => done++);
  const gatherStart = clock.now();
  await until("every client's tool_use", () => {
    clock.advance(10);
    return done === N;
  });
  for (const r of await Promise.all(responses)) assert.equal(r.stop_reason, "tool_use");
  assert.equal(h.app.parts.sessions.liveCount, N, "parked, waiting for results");
  assert.equal(h.fake.openStreams, N);

  // Each call was parked between gatherStart and now: just before the earliest could time out…
  const gatherEnd = clock.now();
  assert.ok(gatherEnd - gatherStart < PARK_MS / 2, "the hand-outs took a fraction of the park timeout");
  clock.advance(gatherStart + PARK_MS - gatherEnd - 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(h.app.parts.sessions.liveCount, N, "not before the timeout");
  assert.equal(h.fake.openStreams, N);

  // …and once the latest must have.
  clock.advance(gatherEnd + PARK_MS - clock.now());
  assert.equal(h.app.parts.sessions.liveCount, 0, "every parked session is closed");
  await h.fake.waitForIdle(2000);
  assert.ok(h.fake.runs.every((r) => r.outcome === "client_closed" && r.toolResults.length === 0));
});
