// Boots the tray app's main process as `npm run build` builds it (scripts/build-electron.ts)
// inside this test process, with "electron" resolved to fake-electron.ts, and gives the
// test a user's handles on it: the tray's lines and items, the window and what was sent
// to it over IPC, notifications, the browser pages the app opened.
import { rmSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Snapshot } from "../../app/base/control-api.ts";
import { IPC_SNAPSHOT, IPC_SUBSCRIBE } from "../../app/base/control-contract.ts";
import { buildElectron } from "../../scripts/build-electron.ts";
import { app, BrowserWindow, clipboard, dialog, ipcMain, Notification, shell, Tray, type FakeMenuItem } from "./fake-electron.ts";
import { until } from "./until.ts";

export const fake = { app, BrowserWindow, clipboard, dialog, ipcMain, Notification, shell, Tray };

export interface BootedApp {
  /** The folder the main process was built into (main.js, preload.cjs). */
  outDir: string;
  /** The tray's menu items as plain data (label, checked, enabled, id). */
  trayItems(): FakeMenuItem[];
  /** The tray's menu labels, in order, separators left out. */
  trayLines(): string[];
  trayToolTip(): string;
  /** Clicks a tray menu item by id ("proxy", "add-account", "self-test", "quit", …). */
  clickTray(id: string): void;
  /** The dashboard window (throws when none was opened). */
  window(): BrowserWindow;
  /** Subscribes the window's page to snapshots, as its preload does on load. */
  subscribeWindow(): void;
  /** Snapshots the main process sent to the window, oldest first. */
  snapshotsSent(): Snapshot[];
  /** Calls a control action over IPC as the window's page does. */
  invoke(action: string, input: object): Promise<unknown>;
  notifications(): { title: string; body: string }[];
  /** Waits until `check` returns a value (not undefined/false); fails early on a start-up error dialog. */
  waitFor<T>(what: string, check: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
}

const ROOT = new URL("../..", import.meta.url);

/**
 * Builds and imports the main process. Set the environment first: the main reads it
 * while loading (data folder, Cursor URL, port, relay key). Call once per test file.
 */
export async function bootElectronMain(): Promise<BootedApp> {
  // npm run build's bundle, in a folder of this process's own next to dist/electron (so
  // node_modules, the preload and dist/renderer resolve alike): test files run in parallel.
  const outDir = join(ROOT.pathname, "dist", `electron-boot-${process.pid}`);
  process.on("exit", () => rmSync(outDir, { recursive: true, force: true }));
  await buildElectron(outDir);
  register(new URL("./electron-hook.mjs", import.meta.url), {
    parentURL: import.meta.url,
    data: { fakeUrl: new URL("./fake-electron.ts", import.meta.url).href },
  });
  await import(pathToFileURL(join(outDir, "main.js")).href);
  app.markReady();

  const tray = () => Tray.all.at(-1) ?? null;
  const trayItems = () => tray()?.menu?.items ?? [];
  const window = () => BrowserWindow.all.at(-1) ?? assertFail("the app opened no window");
  const waitFor = async <T>(what: string, check: () => T | undefined | false | null, timeoutMs = 20_000): Promise<T> => {
    let v: T | undefined | false | null;
    await until(
      what,
      () => {
        const error = dialog.errors[0];
        if (error) throw new Error(`the app showed an error dialog: ${error.title}: ${error.content}`);
        v = check();
        return v !== undefined && v !== false && v !== null;
      },
      timeoutMs,
    );
    return v as T;
  };
  return {
    outDir,
    trayItems,
    trayLines: () => trayItems().filter((i) => i.type !== "separator").map((i) => i.label ?? ""),
    trayToolTip: () => tray()?.toolTip ?? "",
    clickTray(id) {
      const item = trayItems().find((i) => i.id === id) ?? assertFail(`no tray item ${id} in ${JSON.stringify(trayItems().map((i) => i.id))}`);
      if (!item.enabled) assertFail(`tray item ${id} is disabled`);
      item.click!(item, undefined, {});
    },
    window,
    subscribeWindow: () => ipcMain.sendFrom(window().webContents, IPC_SUBSCRIBE),
    snapshotsSent: () => window().webContents.sent.filter(([channel]) => channel === IPC_SNAPSHOT).map(([, s]) => s as Snapshot),
    invoke: (action, input) => ipcMain.invoke(window().webContents, `cursor-relay:${action}`, input),
    notifications: () => Notification.shown.map((n) => ({ title: n.title, body: n.body })),
    waitFor,
  };
}

function assertFail(message: string): never {
  throw new Error(message);
}
