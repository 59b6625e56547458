// What the relay keeps per conversation stays bounded under 10,000 conversations: the
// checkpoint store (entry cap, byte cap, 30-minute TTL) and the list of recently finished
// sessions. The real session manager and checkpoint store (configured as the relay app
// configures them) with a scripted Cursor client, on an injected clock — the HTTP and
// HTTP/2 layers add nothing per conversation and would only make it slow.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AccountPool } from "../../app/base/account-pool.ts";
import { AsyncQueue } from "../../app/cursor/async-queue.ts";
import type { CursorClient, CursorEvent, RunOptions } from "../../app/cursor/types.ts";
import { CHECKPOINT_DEFAULTS, createCheckpointStore, type CheckpointStore } from "../../app/sessions/checkpoint-store.ts";
import type { TurnInput } from "../../app/sessions/turn-input.ts";
import type { TurnSink } from "../../app/sessions/turn-sink.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { fixedAccountPool, sessionRig } from "../support/session-rig.ts";
import { simpleTurnInput } from "../support/turn-input.ts";

const ACCOUNTS = ["acc-1", "acc-2", "acc-3"];

/** Every Run answers at once: text, tokens, a checkpoint of `checkpointBytes` with one blob, turn_ended. */
function scriptedCursor(checkpointBytes: number, runs: RunOptions[]): CursorClient {
  return {
    run(options) {
      runs.push(options);
      const queue = new AsyncQueue<CursorEvent>();
      const bytes = new Uint8Array(checkpointBytes).fill(runs.length % 251);
      // Cursor sets a blob in the run's own store, as a real Run's KV write does.
      options.blobs.set(`blob-${options.conversationId}`, new Uint8Array(64));
      for (const ev of [
        { type: "text", text: "ok" },
        { type: "tokens", tokens: 1 },
        { type: "checkpoint", bytes },
        { type: "turn_ended" },
      ] as CursorEvent[]) {
        queue.push(ev);
      }
      queue.end();
      let closed = false;
      return {
        events: queue,
        sendToolResult() {},
        close: () => void (closed = true),
        error: undefined,
        get closed() {
          return closed;
        },
      };
    },
    getUsableModels: async () => [],
    resolveModelId: async () => "composer-2",
  };
}

function pool(): AccountPool {
  let next = 0;
  return fixedAccountPool({
    // Round-robin, like the rotation, honouring the checkpoint owner.
    acquire: async ({ prefer }) => ({ accountId: prefer ?? ACCOUNTS[next++ % ACCOUNTS.length]!, accessToken: "tok" }),
  });
}

const input = (conversationId: string, text = `hello from ${conversationId}`): TurnInput => simpleTurnInput({ conversationId, text });

function sink(): TurnSink & { ended: number } {
  let started = false;
  return {
    ended: 0,
    get contentStarted() {
      return started;
    },
    handle(e) {
      if (e.type === "text") started = true;
    },
    end() {
      this.ended++;
    },
    fail(e) {
      throw e;
    },
    ping() {},
  };
}

function setup(checkpointBytes: number, store: (clock: ManualClock) => CheckpointStore) {
  const clock = new ManualClock();
  const runs: RunOptions[] = [];
  const checkpoints = store(clock);
  // As createRelayApp builds it: default park, ping and listing times.
  const { sessions } = sessionRig(scriptedCursor(checkpointBytes, runs), { clock, pool: pool(), checkpoints });
  const turn = async (id: string, text?: string) => {
    const s = sink();
    await sessions.runTurn(input(id, text), s);
    assert.equal(s.ended, 1, `${id}: the turn ended`);
  };
  return { clock, runs, checkpoints, sessions, turn };
}

const N = 10_000;
const conv = (i: number) => `conv-${String(i).padStart(5, "0")}`;

test("10,000 conversations: the checkpoint store keeps the newest up to its entry cap, replays those, and the TTL empties it", async () => {
  const { clock, runs, checkpoints, sessions, turn } = setup(2048, (clock) => createCheckpointStore({ clock }));
  for (let i = 0; i < N; i++) await turn(conv(i));
  assert.equal(runs.length, N);
  assert.equal(checkpoints.size, CHECKPOINT_DEFAULTS.maxEntries, "capped at the default entry count");
  assert.ok(checkpoints.bytes <= CHECKPOINT_DEFAULTS.maxBytes);
  assert.equal(checkpoints.ownerOf(conv(0)), undefined, "the least recently used went first");
  assert.ok(checkpoints.ownerOf(conv(N - 1)) !== undefined, "the newest stay");
  assert.equal(sessions.liveCount, 0, "no upstream stream stays open");

  // A kept conversation continues on its checkpoint; an evicted one starts over (flattened history).
  await turn(conv(N - 1), "again");
  assert.ok(runs.at(-1)!.checkpoint !== undefined, "replayed");
  await turn(conv(0), "again");
  assert.equal(runs.at(-1)!.checkpoint, undefined, "evicted: no replay");

  // 30 minutes without updates: the sweeper (every minute) removes everything.
  clock.advance(CHECKPOINT_DEFAULTS.ttlMs + CHECKPOINT_DEFAULTS.sweepEveryMs);
  assert.equal(checkpoints.size, 0);
  assert.equal(checkpoints.bytes, 0);
  checkpoints.close();
});

test("big checkpoints: the byte cap bounds the store whatever the entry count", async () => {
  const maxBytes = 4 * 1024 * 1024;
  const { checkpoints, turn } = setup(64 * 1024, (clock) => createCheckpointStore({ clock, maxBytes }));
  for (let i = 0; i < 1000; i++) await turn(conv(i));
  assert.ok(checkpoints.bytes <= maxBytes, `${checkpoints.bytes} bytes held`);
  assert.ok(checkpoints.size > 0 && checkpoints.size < 1000);
  assert.ok(checkpoints.bytes + checkpoints.bytes / checkpoints.size > maxBytes, "as many as fit");
  checkpoints.close();
});

test("finished sessions listed for the dashboard expire even when nobody asks for the list", async () => {
  const { clock, sessions, checkpoints, turn } = setup(16, (clock) => createCheckpointStore({ clock }));
  for (let i = 0; i < N / 2; i++) await turn(conv(i));
  assert.equal(sessions.idleListed, N / 2, "recently finished sessions are listed");
  // Past the listing time; views() is never called (a headless relay, no dashboard open).
  clock.advance(6 * 60_000);
  for (let i = N / 2; i < N; i++) await turn(conv(i));
  assert.equal(sessions.idleListed, N / 2, "only the last five minutes' sessions are kept");
  checkpoints.close();
});
