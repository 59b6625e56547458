// IPC inside the Electron window (the preload bridge exists), HTTP everywhere else.
import type { ControlClient } from "./client.ts";
import { createHttpClient } from "./http-client.ts";
import { createIpcClient } from "./ipc-client.ts";
import { takeManagementKey } from "./management-key.ts";

export function pickClient(win: Window): ControlClient {
  if (win.cursorRelay) return createIpcClient(win.cursorRelay);
  let storage: Storage | null = null;
  try {
    storage = win.sessionStorage;
  } catch {
    storage = null;
  }
  const key = takeManagementKey({
    location: win.location,
    storage,
    replaceUrl: (url) => win.history.replaceState(null, "", url),
  });
  return createHttpClient({ baseUrl: win.location.origin, key });
}
