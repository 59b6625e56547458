// The ControlApi over Electron IPC: the preload bridge (window.cursorRelay) already
// has exactly the ControlApi's shape. Errors cross the context bridge as plain Errors
// whose message the preload formats as "[type] message"; we turn them back into
// ControlErrors. IPC does not drop, so the connection is always "connected".
import type { ControlApi } from "../../../app/base/control-api.ts";
import { bindControlActions, type ControlActionName } from "../../../app/base/control-contract.ts";
import { ControlError, errorMessage, type ControlClient } from "./client.ts";

declare global {
  interface Window {
    /** Present only inside the Electron window (app/electron/preload.ts). */
    cursorRelay?: ControlApi;
  }
}

export function fromBridgeError(e: unknown): ControlError {
  if (e instanceof ControlError) return e;
  const message = errorMessage(e);
  const m = /\[([a-z_]+)\] ([\s\S]*)$/.exec(message);
  return m ? new ControlError(m[1] ?? "internal", m[2] ?? message) : new ControlError("ipc", message);
}

export function createIpcClient(bridge: ControlApi): ControlClient {
  const act =
    <K extends ControlActionName>(name: K) =>
    (...args: Parameters<ControlApi[K]>) => {
      const method = bridge[name] as (...a: unknown[]) => Promise<unknown>;
      return method(...args).catch((e: unknown) => Promise.reject(fromBridgeError(e))) as ReturnType<ControlApi[K]>;
    };
  return {
    ...bindControlActions(act),
    transport: "ipc",
    subscribe: (listener) => bridge.subscribe(listener),
    connection: () => ({ status: "connected" }),
    onConnection: () => () => {},
    retryNow: () => {},
  };
}
