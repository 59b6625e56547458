// A client that goes away while its turn is still being set up (waiting for an account,
// a token refresh or the model list) must not leave an upstream Run behind: nobody would
// read it, and it would stay open until the turn ends or a watchdog fires.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AccountLease, AccountPool } from "../../../app/base/account-pool.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, CursorRun } from "../../../app/cursor/types.ts";
import { createCheckpointStore } from "../../../app/sessions/checkpoint-store.ts";
import { createSessionManager } from "../../../app/sessions/session-manager.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { simpleTurnInput } from "../../support/turn-input.ts";

function setup(gate: "acquire" | "model") {
  const clock = new ManualClock();
  const runs: { closed: boolean }[] = [];
  let release!: () => void;
  const gateOpen = new Promise<void>((r) => (release = r));
  const cursor: CursorClient = {
    run(): CursorRun {
      const queue = new AsyncQueue<CursorEvent>();
      const state = { closed: false };
      runs.push(state);
      return {
        events: queue,
        sendToolResult() {},
        close() {
          state.closed = true;
          queue.end();
        },
        error: undefined,
        get closed() {
          return state.closed;
        },
      };
    },
    getUsableModels: async () => [],
    resolveModelId: async () => {
      if (gate === "model") await gateOpen;
      return "composer-2";
    },
  };
  const pool: AccountPool = {
    acquire: async (): Promise<AccountLease> => {
      if (gate === "acquire") await gateOpen;
      return { accountId: "acc", accessToken: "tok" };
    },
    failed: async () => "next",
    succeeded() {},
    recordRequest() {},
    recordUsage() {},
    canContinue: () => true,
    unavailable: () => null,
  };
  const sessions = createSessionManager({ cursor, pool, checkpoints: createCheckpointStore({ clock }), clock, logger: silentLogger });
  const sink: TurnSink = { contentStarted: false, handle() {}, end() {}, fail() {}, ping() {} };
  const input = simpleTurnInput();
  return { runs, release, sessions, sink, input };
}

for (const gate of ["acquire", "model"] as const) {
  test(`the client disconnects while the turn waits for the ${gate === "acquire" ? "account" : "model list"}: no Run is left open`, async () => {
    const { runs, release, sessions, sink, input } = setup(gate);
    const abort = new AbortController();
    const turn = sessions.runTurn(input, sink, abort.signal);
    await new Promise((r) => setImmediate(r));
    abort.abort();
    release();
    await turn;
    assert.ok(runs.every((r) => r.closed), `${runs.length} Run(s) opened, ${runs.filter((r) => !r.closed).length} still open`);
    assert.equal(sessions.liveCount, 0);
    sessions.close();
  });
}
