// A client that goes away while its turn is still being set up (waiting for an account,
// a token refresh or the model list) must not leave an upstream Run behind: nobody would
// read it, and it would stay open until the turn ends or a watchdog fires.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AccountLease } from "../../../app/base/account-pool.ts";
import { AsyncQueue } from "../../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, CursorRun } from "../../../app/cursor/types.ts";
import type { TurnSink } from "../../../app/sessions/turn-sink.ts";
import { fixedAccountPool, sessionRig } from "../../support/session-rig.ts";
import { simpleTurnInput } from "../../support/turn-input.ts";

function setup(gate: "acquire" | "model") {
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
  const pool = fixedAccountPool({
    acquire: async (): Promise<AccountLease> => {
      if (gate === "acquire") await gateOpen;
      return { accountId: "acc", accessToken: "tok" };
    },
  });
  const { sessions } = sessionRig(cursor, { pool });
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
