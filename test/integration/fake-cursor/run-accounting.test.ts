// What the fake records for token accounting under faults: tokens written per Run, the part
// the client provably read (written before a KV/exec request it answered), and the streams a
// GOAWAY on another stream took down with its connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { startFakeCursor, type Scenario } from "../../fake-cursor/index.ts";
import { RunClient } from "./run-client.ts";

test("tokensSent counts token steps and load mode; tokensConfirmed only what a later KV reply proves was read", async (t) => {
  const scenario: Scenario = {
    accounts: {
      "*": [
        [{ text: "a" }, { tokens: 3 }, { kvSet: "ack-1" }, { tokens: 4 }, { turnEnded: true }],
        { prologue: false, steps: [{ textBytes: 640, chunkBytes: 64, tokensPerChunk: 2 }, { turnEnded: true }] },
      ],
    },
  };
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const token = fake.mintAccessToken("auth0|tokens");
  assert.equal(await new RunClient(fake.url, { token }).finish(), null);
  assert.equal(await new RunClient(fake.url, { token }).finish(), null);
  await fake.waitForIdle(2000);
  const [first, load] = fake.runs;
  assert.equal(first!.tokensSent, 7);
  assert.equal(first!.tokensConfirmed, 3, "the 4 tokens after the last KV round trip are not proven read");
  assert.equal(load!.tokensSent, 20, "10 chunks × 2 tokens");
  assert.equal(load!.tokensConfirmed, 0);
  assert.equal(first!.connectionLost, false);
});

test("a GOAWAY marks the other streams open on its connection as connectionLost, not itself or other connections", async (t) => {
  const scenario: Scenario = {
    accounts: {
      "auth0|goaway": [[{ text: "bye" }, { sleepMs: 50 }, { goaway: true }]],
      "auth0|early": [[{ text: "done" }, { turnEnded: true }]],
      "*": [[{ text: "waiting" }, { silence: { heartbeatMs: 20 } }]],
    },
  };
  const fake = await startFakeCursor({ scenario });
  t.after(() => fake.close());
  const shared = new Http2SessionManager(fake.url);
  t.after(() => shared.abort());
  assert.equal(await new RunClient(fake.url, { token: fake.mintAccessToken("auth0|early"), sessionManager: shared }).finish(), null);
  const bystander = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|bystander"), sessionManager: shared });
  const elsewhere = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|elsewhere") });
  while (fake.runs.length < 3 || fake.runs.some((r) => r.userText === "")) await new Promise((r) => setTimeout(r, 5));
  const killer = new RunClient(fake.url, { token: fake.mintAccessToken("auth0|goaway"), sessionManager: shared });
  assert.ok(await killer.finish(), "the GOAWAY fails its own stream");
  assert.ok(await bystander.finish(), "and every other stream of the connection");
  elsewhere.close();
  await elsewhere.finish();
  await fake.waitForIdle(2000);
  const bySub = new Map(fake.runs.map((r) => [r.sub, r]));
  assert.equal(bySub.get("auth0|goaway")!.injected, "goaway");
  assert.equal(bySub.get("auth0|goaway")!.connectionLost, false);
  assert.equal(bySub.get("auth0|bystander")!.connectionLost, true);
  assert.equal(bySub.get("auth0|elsewhere")!.connectionLost, false, "another connection is untouched");
  assert.equal(bySub.get("auth0|early")!.connectionLost, false, "a stream closed before the GOAWAY is not counted");
});
