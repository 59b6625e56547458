// The renderer's HTTP ControlApi client against the real management handler: every
// action makes the same ControlApi call it would make over IPC, errors keep their
// type, and the fetch-SSE stream reconnects with backoff (timers driven by hand).
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createHttpClient } from "../../../renderer/src/control/http-client.ts";
import { ControlError, type ConnectionState } from "../../../renderer/src/control/client.ts";
import type { Snapshot } from "../../../app/base/control-api.ts";
import { MANAGEMENT_KEY, startManagement, type Harness } from "./management-helpers.ts";
import { sampleAccount, TEST_RELAY_KEY } from "./memory-control.ts";
import { until } from "../../support/until.ts";

function manualTimers() {
  let next = 0;
  const timers = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimer: (fn: () => void, ms: number) => {
      timers.set(++next, { fn, ms });
      return next;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    delays: () => [...timers.values()].map((t) => t.ms),
    /** Fires every pending timer of this length. */
    fire(ms: number) {
      const due = [...timers.entries()].filter(([, t]) => t.ms === ms);
      assert.ok(due.length > 0, `no pending ${ms} ms timer (pending: ${[...timers.values()].map((t) => t.ms).join(", ")})`);
      for (const [id, t] of due) {
        timers.delete(id);
        t.fn();
      }
    },
  };
}

const STALE_MS = 99_999;

function clientFor(t: TestContext, h: Harness, options: { key?: string | null; down?: { value: boolean } } = {}) {
  const timers = manualTimers();
  const down = options.down ?? { value: false };
  const client = createHttpClient({
    baseUrl: `http://127.0.0.1:${h.port}/`,
    key: options.key === undefined ? MANAGEMENT_KEY : options.key,
    fetch: (input, init) => (down.value ? Promise.reject(new TypeError("fetch failed")) : fetch(input, init)),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    backoff: { initialMs: 100, maxMs: 400 },
    staleAfterMs: STALE_MS,
  });
  const states: ConnectionState[] = [];
  client.onConnection((c) => states.push(c));
  const snapshots: Snapshot[] = [];
  const subscribe = () => {
    const off = client.subscribe((s) => snapshots.push(s));
    t.after(off);
    return off;
  };
  return { client, timers, states, snapshots, subscribe, down };
}

test("http client: every action reaches the ControlApi with the same arguments", async (t) => {
  const h = await startManagement(t);
  h.control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.my team/1" })));
  const { client } = clientFor(t, h);
  assert.equal((await client.getSnapshot()).accounts[0]?.id, "cursor.my team/1");
  await client.setProxyRunning(false);
  const login = await client.startLogin("work");
  assert.equal(login.state, "waiting");
  await client.startLogin(null);
  await client.cancelLogin(login.handle);
  await client.renameAccount("cursor.my team/1", "home");
  await client.resetCooldown("cursor.my team/1");
  await client.removeAccount("cursor.my team/1");
  assert.equal(await client.revealRelayKey(), TEST_RELAY_KEY);
  await client.regenerateRelayKey();
  assert.ok((await client.getClientSetup()).claudeCodeEnv.some((l) => l.endsWith("<relay key>")));
  assert.ok((await client.getClientSetup({ revealKey: true })).claudeCodeEnv.every((l) => !l.includes("<relay key>")));
  assert.equal((await client.configureClaudeCode()).backupPath?.includes(".bak-"), true);
  assert.equal(await client.undoConfigureClaudeCode(), undefined);
  assert.equal((await client.configureCodex()).configPath, "/home/user/.codex/config.toml");
  assert.equal(await client.undoConfigureCodex(), undefined);
  assert.deepEqual(
    h.control.calls.map((c) => [c.name, ...c.args]),
    [
      ["getSnapshot"],
      ["setProxyRunning", false],
      ["startLogin", "work"],
      ["startLogin", null],
      ["cancelLogin", login.handle],
      ["renameAccount", "cursor.my team/1", "home"],
      ["resetCooldown", "cursor.my team/1"],
      ["removeAccount", "cursor.my team/1"],
      ["revealRelayKey"],
      ["regenerateRelayKey"],
      ["getClientSetup", { revealKey: false }],
      ["getClientSetup", { revealKey: true }],
      ["configureClaudeCode"],
      ["undoConfigureClaudeCode"],
      ["configureCodex"],
      ["undoConfigureCodex"],
    ],
  );
});

test("http client: errors arrive as ControlErrors with the relay's type, status and message", async (t) => {
  const h = await startManagement(t);
  const { client } = clientFor(t, h);
  await assert.rejects(client.resetCooldown("cursor.ghost"), (e: unknown) => e instanceof ControlError && e.type === "not_found" && e.status === 404 && e.message === 'no account "cursor.ghost"');
  await assert.rejects(client.renameAccount("cursor.x", "no/slash"), (e: unknown) => e instanceof ControlError && e.type === "invalid_request" && /^renameAccount: `label`/.test(e.message));
  const wrongKey = clientFor(t, h, { key: "not-the-management-key" }).client;
  await assert.rejects(wrongKey.getSnapshot(), (e: unknown) => e instanceof ControlError && e.type === "authentication" && e.status === 401);
  const down = clientFor(t, h, { down: { value: true } }).client;
  await assert.rejects(down.getSnapshot(), (e: unknown) => e instanceof ControlError && e.type === "network" && /cannot reach the relay/.test(e.message));
});

test("http client: snapshots stream in; a dropped stream retries with doubling backoff and recovers", async (t) => {
  const h = await startManagement(t);
  const c = clientFor(t, h);
  assert.equal(c.client.connection().status, "connecting");
  c.subscribe();
  await until("first snapshot", () => c.snapshots.length === 1);
  assert.equal(c.client.connection().status, "connected");
  h.control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.work" })));
  await until("second snapshot", () => c.snapshots.length === 2);
  assert.deepEqual(c.snapshots.map((s) => s.version), [1, 2]);

  // The relay goes away: the stream ends, then connections fail.
  c.down.value = true;
  h.handler.closeEventStreams();
  await until("retrying", () => c.client.connection().status === "retrying");
  const first = c.client.connection();
  assert.ok(first.status === "retrying" && first.attempt === 1 && /closed the connection/.test(first.reason));
  for (const [delay, attempt] of [[100, 2], [200, 3], [400, 4], [400, 5]] as const) {
    c.timers.fire(delay);
    await until(`attempt ${attempt}`, () => {
      const s = c.client.connection();
      return s.status === "retrying" && s.attempt === attempt;
    });
    const s = c.client.connection();
    assert.ok(s.status === "retrying" && /cannot reach the relay/.test(s.reason));
  }
  assert.deepEqual(c.timers.delays().filter((d) => d !== STALE_MS), [400], "capped at maxMs");

  // Back up: "Retry now" skips the wait; the stream resumes and the backoff resets.
  c.down.value = false;
  h.control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.home" })));
  c.client.retryNow();
  await until("reconnected", () => c.client.connection().status === "connected" && c.snapshots.length === 3);
  assert.deepEqual(c.snapshots.at(-1)?.accounts.map((a) => a.id), ["cursor.work", "cursor.home"]);
  h.handler.closeEventStreams();
  await until("retrying again", () => c.client.connection().status === "retrying");
  assert.ok(c.timers.delays().includes(100), "backoff starts over after a good connection");
  assert.deepEqual(
    c.states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]),
    ["connecting", "connected", "retrying", "connecting", "retrying", "connecting", "retrying", "connecting", "retrying", "connecting", "retrying", "connecting", "connected", "retrying"].filter(
      (s, i, all) => s !== all[i - 1],
    ),
  );
});

test("http client: a stream silent past the watchdog is dropped and retried", async (t) => {
  const h = await startManagement(t);
  const c = clientFor(t, h);
  c.subscribe();
  await until("first snapshot", () => c.snapshots.length === 1);
  c.timers.fire(STALE_MS);
  await until("retrying", () => c.client.connection().status === "retrying");
  const s = c.client.connection();
  assert.ok(s.status === "retrying" && /no data from the relay/.test(s.reason));
});

test("http client: a refused key stops retrying until retryNow", async (t) => {
  const h = await startManagement(t);
  const c = clientFor(t, h, { key: "wrong-key-wrong-key-wrong" });
  c.subscribe();
  await until("unauthorized", () => c.client.connection().status === "unauthorized");
  const s = c.client.connection();
  assert.ok(s.status === "unauthorized" && /wrong management key/.test(s.reason));
  assert.deepEqual(c.timers.delays().filter((d) => d !== STALE_MS), [], "no backoff timer: retrying cannot fix a key");
  const before = c.states.length;
  c.client.retryNow();
  await until("tried again", () => c.states.length >= before + 2);
  assert.equal(c.client.connection().status, "unauthorized");
  assert.equal(h.control.listenerCount, 0);
});

test("http client: the last unsubscribe closes the stream on the server", async (t) => {
  const h = await startManagement(t);
  const c = clientFor(t, h);
  const off = c.subscribe();
  await until("subscribed on the server", () => h.control.listenerCount === 1 && c.snapshots.length === 1);
  const second: Snapshot[] = [];
  const offSecond = c.client.subscribe((s) => second.push(s));
  assert.equal(second.length, 1, "a late subscriber gets the latest snapshot at once");
  off();
  assert.equal(h.control.listenerCount, 1, "still one listener in the page");
  offSecond();
  await until("server unsubscribed", () => h.control.listenerCount === 0);
});
