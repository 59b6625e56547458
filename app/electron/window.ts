// The dashboard window: the same React build as /ui, loaded from file://, locked down
// (context isolation, sandbox, no Node, CSP from the page's meta tag, no navigation
// away, no permissions but clipboard writes), hidden to the tray instead of closed.
import { BrowserWindow, shell, type WebContents } from "electron";
import { isExternalUrlAllowed, isTrustedRendererUrl } from "./urls.ts";

export interface MainWindowOptions {
  preloadPath: string;
  /** file://…/dist/renderer/index.html (or a dev server URL). */
  rendererUrl: string;
  iconPath?: string;
  /** Whether a close should really close (true while quitting). */
  isQuitting(): boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 820,
    minWidth: 420,
    minHeight: 480,
    show: false,
    title: "Cursor Relay",
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  lockDown(win.webContents, options.rendererUrl);
  win.on("close", (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  win.once("ready-to-show", () => win.show());
  void win.loadURL(options.rendererUrl);
  return win;
}

function lockDown(contents: WebContents, rendererUrl: string): void {
  // New windows (links, the login page) go to the system browser, http(s) only.
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrlAllowed(url)) void shell.openExternal(url);
    return { action: "deny" };
  });
  contents.on("will-navigate", (event, url) => {
    if (!isTrustedRendererUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === "clipboard-sanitized-write"));
  contents.session.setPermissionCheckHandler((_wc, permission) => permission === "clipboard-sanitized-write");
}
