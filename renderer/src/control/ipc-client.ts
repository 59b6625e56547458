// The ControlApi over Electron IPC: the preload bridge (window.cursorRelay) already
// has exactly the ControlApi's shape. Errors cross the context bridge as plain Errors
// whose message the preload formats as "[type] message"; we turn them back into
// ControlErrors. IPC does not drop, so the connection is always "connected".
import type { ControlApi } from "../../../app/base/control-api.ts";
import { controlActionNames } from "../../../app/base/control-contract.ts";
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
  const wrapped: Record<string, unknown> = {};
  for (const name of controlActionNames) {
    const method = bridge[name] as (...args: unknown[]) => Promise<unknown>;
    wrapped[name] = (...args: unknown[]) => method(...args).catch((e: unknown) => Promise.reject(fromBridgeError(e)));
  }
  return {
    ...(wrapped as unknown as Omit<ControlApi, "subscribe">),
    transport: "ipc",
    subscribe: (listener) => bridge.subscribe(listener),
    connection: () => ({ status: "connected" }),
    onConnection: () => () => {},
    retryNow: () => {},
  };
}
