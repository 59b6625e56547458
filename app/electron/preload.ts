// The window's only door to the main process: `window.cursorRelay`, exactly the
// ControlApi (its actions plus subscribe), each action one `invoke` on its contract
// channel with the contract's input object. Runs sandboxed (bundled to CommonJS);
// no Node or Electron object reaches the page.
import { contextBridge, ipcRenderer } from "electron";
import type { ControlApi, Snapshot } from "../base/control-api.ts";
import {
  IPC_SNAPSHOT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  bindControlActions,
  controlActions,
  inputFromArgs,
  type ControlActionName,
  type IpcReply,
} from "../base/control-contract.ts";

async function invoke(name: ControlActionName, args: unknown[]): Promise<unknown> {
  const input = inputFromArgs(name, args as never);
  const reply = (await ipcRenderer.invoke(controlActions[name].channel, input)) as IpcReply;
  if (reply.ok) return reply.value;
  // Only the message survives the context bridge; the renderer reads the type back from it.
  throw new Error(`[${reply.error.type}] ${reply.error.message}`);
}

const act =
  <K extends ControlActionName>(name: K) =>
  (...args: Parameters<ControlApi[K]>) =>
    invoke(name, args) as ReturnType<ControlApi[K]>;

const listeners = new Set<(s: Snapshot) => void>();
let latest: Snapshot | null = null;
ipcRenderer.on(IPC_SNAPSHOT, (_event, snapshot: Snapshot) => {
  latest = snapshot;
  for (const l of [...listeners]) l(snapshot);
});

const bridge: ControlApi = {
  ...bindControlActions(act),
  subscribe(listener) {
    listeners.add(listener);
    if (listeners.size === 1) ipcRenderer.send(IPC_SUBSCRIBE);
    else if (latest) listener(latest);
    return () => {
      if (listeners.delete(listener) && listeners.size === 0) {
        latest = null;
        ipcRenderer.send(IPC_UNSUBSCRIBE);
      }
    };
  },
};

contextBridge.exposeInMainWorld("cursorRelay", bridge);
