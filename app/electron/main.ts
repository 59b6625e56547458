// The tray app's main process: one instance, the relay core (the same one
// `cursor-relay serve` runs), a tray, the dashboard window and the IPC bridge. This
// folder is the only place that imports electron.
import { app, clipboard, dialog, ipcMain, Notification, shell, type BrowserWindow } from "electron";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Snapshot } from "../base/control-api.ts";
import { errorMessage } from "./errors.ts";
import { tuneHeapForRelay } from "../relay/heap-tuning.ts";
import { createLogger } from "../base/log.ts";
import { createRelayApp, type RelayApp } from "../relay/relay-app.ts";
import { registerControlIpc } from "./ipc.ts";
import { launchAtLogin, setLaunchAtLogin } from "./launch-at-login.ts";
import { electronRelayOptions } from "./relay-options.ts";
import { createElectronSettingsStore } from "./settings-store-electron.ts";
import { notificationsFor } from "./notifications.ts";
import { createQuotaNotifier } from "./quota-notifications.ts";
import { selfTestNotice } from "./self-test-notice.ts";
import { createTrayController, type TrayController } from "./tray.ts";
import { isExternalUrlAllowed } from "./urls.ts";
import { createMainWindow } from "./window.ts";

const here = dirname(fileURLToPath(import.meta.url)); // dist/electron
const PRELOAD = join(here, "preload.cjs");
const RENDERER_URL = process.env.CURSOR_RELAY_RENDERER_URL ?? pathToFileURL(join(here, "..", "renderer", "index.html")).href;
const BUILD_DIR = join(app.getAppPath(), "build");

// The CLI and the tray share one data folder (accounts, settings, usage).
// A bad variable shows in the start-up error dialog (see start()), not as a crash on load.
const configured = (() => {
  try {
    return electronRelayOptions(process.env);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
})();
if (!(configured instanceof Error)) app.setPath("userData", configured.dataDir);
app.setAppUserModelId?.("dev.cursor-relay.app");

const logger = createLogger({ level: configured instanceof Error ? "info" : configured.logLevel });
let relay: RelayApp | null = null;
let tray: TrayController | null = null;
let win: BrowserWindow | null = null;
let quitting = false;
let stopped = false;

function showWindow(): void {
  if (!win || win.isDestroyed()) {
    win = createMainWindow({ preloadPath: PRELOAD, rendererUrl: RENDERER_URL, iconPath: join(BUILD_DIR, "icon.png"), isQuitting: () => quitting });
  } else {
    if (win.isMinimized()) win.restore();
    win.show();
  }
  win.focus();
}

function notify(title: string, body: string): void {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title, body, silent: false });
  n.on("click", showWindow);
  n.show();
}

async function start(): Promise<void> {
  if (configured instanceof Error) throw configured;
  const { logLevel: _level, ...relayOptions } = configured;
  tuneHeapForRelay();
  relay = await createRelayApp({
    ...relayOptions,
    settings: createElectronSettingsStore(relayOptions.dataDir),
    uiDir: null, // the window loads the renderer from disk; no /ui needed
    openBrowser: null, // the window and the tray open login pages themselves
    logger,
    warn: (m) => logger.warn(m),
  });
  await relay.start();
  const control = relay.control;
  registerControlIpc({ ipcMain, control, rendererUrl: RENDERER_URL, logger: logger.child("ipc") });

  const run = (what: string, p: Promise<unknown>) => p.catch((e: unknown) => notify(`Cursor Relay: could not ${what}`, errorMessage(e)));
  tray = createTrayController({
    iconDir: join(BUILD_DIR, "tray"),
    launchAtLogin,
    onClick: showWindow,
    actions: {
      setProxyRunning: (on) => void run(on ? "start the proxy" : "stop the proxy", control.setProxyRunning(on)),
      addAccount: () =>
        void run(
          "start a login",
          control.startLogin(null).then((view) => {
            if (isExternalUrlAllowed(view.url)) void shell.openExternal(view.url);
            showWindow(); // shows "Waiting for login…" with Cancel
          }),
        ),
      openWindow: showWindow,
      copyClaudeCodeSetup: () =>
        void run(
          "copy the setup",
          control.getClientSetup({ revealKey: true }).then((s) => {
            clipboard.writeText(s.claudeCodeEnv.join("\n"));
            notify("Claude Code setup copied", "Paste the lines into your shell, or use “Configure Claude Code” in the window.");
          }),
        ),
      setLaunchAtLogin: (on) => {
        setLaunchAtLogin(on);
        tray?.refresh();
      },
      quit: () => app.quit(),
      runSelfTest: () =>
        void run(
          "run the self-test",
          control.runSelfTest().then((report) => {
            const notice = selfTestNotice(report);
            notify(notice.title, notice.body);
          }),
        ),
    },
  });

  let previous: Snapshot | null = null;
  const quotaNotifier = createQuotaNotifier();
  const onSnapshot = (s: Snapshot) => {
    tray?.update(s);
    for (const n of notificationsFor(previous, s, Date.now())) notify(n.title, n.body);
    for (const n of quotaNotifier.noticesFor(s)) notify(n.title, n.body);
    previous = s;
  };
  control.subscribe(onSnapshot);
  const first = await control.getSnapshot();
  if (previous === null) onSnapshot(first);
  if (first.accounts.length === 0) showWindow(); // first run: show how to add an account
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on("second-instance", () => {
    if (app.isReady()) showWindow();
  });
  app.on("activate", showWindow); // macOS dock click
  app.on("window-all-closed", () => {
    // stay in the tray
  });
  app.on("before-quit", () => {
    quitting = true;
  });
  app.on("will-quit", (event) => {
    if (stopped || !relay) return;
    event.preventDefault();
    const r = relay;
    void r
      .stop()
      .catch((e: unknown) => logger.error("stopping the relay failed", { error: e }))
      .finally(() => {
        stopped = true;
        tray?.destroy();
        app.quit();
      });
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      dialog.showErrorBox("Cursor Relay could not start", errorMessage(e));
      stopped = true;
      app.exit(1);
    });
}
