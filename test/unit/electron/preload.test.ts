// The preload bridge end to end, with `electron` stubbed: renderer client → bridge →
// fake IPC → registerControlIpc → ControlApi, and snapshots back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { register } from "node:module";
import type { ControlApi, Snapshot } from "../../../app/base/control-api.ts";
import { controlActionNames, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from "../../../app/base/control-contract.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { registerControlIpc } from "../../../app/electron/ipc.ts";
import { ControlError } from "../../../renderer/src/control/client.ts";
import { createIpcClient } from "../../../renderer/src/control/ipc-client.ts";
import { createMemoryControl, sampleAccount, TEST_RELAY_KEY } from "../gateway/memory-control.ts";
import { FakeIpcMain, FakePage, flush } from "./fake-ipc.ts";

const stub = new URL("./electron-stub.mjs", import.meta.url).href;
register(`data:text/javascript,${encodeURIComponent(`export async function resolve(s, c, next) { return s === "electron" ? { url: ${JSON.stringify(stub)}, shortCircuit: true } : next(s, c); }`)}`);

async function loadBridge() {
  const ipcMain = new FakeIpcMain();
  const control = createMemoryControl();
  control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.work" })));
  registerControlIpc({ ipcMain, control, rendererUrl: new FakePage(ipcMain).url, logger: silentLogger });
  const page = new FakePage(ipcMain);
  const sent: string[] = [];
  const exposed = new Map<string, unknown>();
  (globalThis as Record<string, unknown>).__fakeElectron = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
    ipcRenderer: {
      invoke: page.renderer.invoke,
      send: (channel: string, ...args: unknown[]) => {
        sent.push(channel);
        page.renderer.send(channel, ...args);
      },
      on: page.renderer.on,
    },
  };
  await import("../../../app/electron/preload.ts");
  return { control, page, sent, exposed };
}

test("preload: window.cursorRelay is exactly the ControlApi, and drives it through validated IPC", async () => {
  const { control, sent, exposed } = await loadBridge();
  assert.deepEqual([...exposed.keys()], ["cursorRelay"]);
  const bridge = exposed.get("cursorRelay") as ControlApi;
  assert.deepEqual(Object.keys(bridge).sort(), [...controlActionNames, "subscribe"].sort());
  assert.ok(Object.values(bridge).every((v) => typeof v === "function"), "functions only: no object or secret is exposed");

  const client = createIpcClient(bridge);
  await client.renameAccount("cursor.work", "office");
  await client.setProxyRunning(false);
  const login = await client.startLogin(null);
  assert.equal(login.state, "waiting");
  assert.ok((await client.getClientSetup()).claudeCodeEnv.every((l) => !l.includes(TEST_RELAY_KEY)), "hidden unless asked");
  assert.ok((await client.getClientSetup({ revealKey: true })).claudeCodeEnv.some((l) => l.includes(TEST_RELAY_KEY)));
  assert.deepEqual(
    control.calls.map((c) => [c.name, ...c.args]),
    [
      ["renameAccount", "cursor.work", "office"],
      ["setProxyRunning", false],
      ["startLogin", null],
      ["getClientSetup", { revealKey: false }],
      ["getClientSetup", { revealKey: true }],
    ],
  );

  // Errors keep their type across the bridge.
  await assert.rejects(client.resetCooldown("cursor.ghost"), (e: unknown) => e instanceof ControlError && e.type === "not_found" && e.message === 'no account "cursor.ghost"');
  await assert.rejects(client.renameAccount("cursor.work", "bad/label"), (e: unknown) => e instanceof ControlError && e.type === "invalid_request" && /^renameAccount: `label`/.test(e.message));
  // A caller going around the typed API still meets the validator in main.
  await assert.rejects((bridge.setProxyRunning as (x: unknown) => Promise<void>)("yes"), /\[invalid_request\] setProxyRunning: `running` must be true or false/);

  // Snapshots: one IPC subscription for any number of listeners.
  const a: Snapshot[] = [];
  const b: Snapshot[] = [];
  const offA = bridge.subscribe((s) => a.push(s));
  await flush();
  assert.equal(a.length, 1);
  const offB = bridge.subscribe((s) => b.push(s));
  assert.equal(b.length, 1, "a second listener gets the latest at once");
  control.update((s) => void (s.proxy.running = true));
  assert.equal(a.at(-1)?.proxy.running, true);
  assert.equal(b.at(-1)?.proxy.running, true);
  offA();
  offB();
  assert.deepEqual(sent, [IPC_SUBSCRIBE, IPC_UNSUBSCRIBE]);
  assert.equal(control.listenerCount, 0);
});
