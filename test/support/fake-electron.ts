// A stand-in for the `electron` module, for booting the built main process
// (dist/electron/main.js) under plain Node: electron-hook.mjs maps the specifier
// "electron" here. It keeps Electron's observable contract for what the main process
// uses — app lifecycle (whenReady, single-instance lock, before-quit / will-quit with
// preventDefault, quit after a prevented will-quit), Tray + Menu.buildFromTemplate,
// BrowserWindow + webContents, ipcMain.handle/on, shell, Notification, nativeImage,
// clipboard, dialog — and records what the app did so a test can act as the user.
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Listener = (...args: never[]) => unknown;

/** A preventable event object, as Electron passes to 'close', 'will-quit', 'will-navigate'. */
function preventable(): { defaultPrevented: boolean; preventDefault(): void } {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

// ---- nativeImage ----------------------------------------------------------------------

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  /** Electron gives an empty image for a path it cannot read. */
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
  setTemplateImage(on: boolean): void {
    this.template = on;
  }
}
export const nativeImage = {
  createFromPath: (path: string) => new FakeNativeImage(path),
};

// ---- Menu -----------------------------------------------------------------------------

export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: (...args: unknown[]) => void;
  submenu?: unknown;
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}
  getMenuItemById(id: string): FakeMenuItem | null {
    return this.items.find((i) => i.id === id) ?? null;
  }
}
export const Menu = {
  buildFromTemplate(template: FakeMenuItem[]): FakeMenu {
    for (const t of template) {
      if (t.label === undefined && t.type === undefined && (t as { role?: string }).role === undefined) {
        throw new TypeError("Invalid template for MenuItem: must have at least one of label, role or type");
      }
      if (t.type !== undefined && !["normal", "separator", "submenu", "checkbox", "radio"].includes(t.type)) throw new TypeError(`Unknown menu item type: ${t.type}`);
    }
    // Electron copies the template into MenuItems: an omitted `enabled` is true.
    return new FakeMenu(template.map((t) => ({ ...t, enabled: t.enabled ?? true })));
  },
};

// ---- Tray -----------------------------------------------------------------------------

export class Tray extends EventEmitter {
  static all: Tray[] = [];
  image: FakeNativeImage;
  toolTip = "";
  menu: FakeMenu | null = null;
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    if (!app.isReady()) throw new Error("Cannot create Tray before app is ready");
    this.image = image;
    Tray.all.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

// ---- BrowserWindow / webContents ----------------------------------------------------

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = "";
  destroyed = false;
  /** Everything the main process sent to the page: [channel, ...args]. */
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly session = {
    permissionRequestHandler: null as Listener | null,
    permissionCheckHandler: null as Listener | null,
    setPermissionRequestHandler: (h: Listener) => void (this.session.permissionRequestHandler = h),
    setPermissionCheckHandler: (h: Listener) => void (this.session.permissionCheckHandler = h),
  };
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error("Object has been destroyed");
    // Electron serializes with the structured clone algorithm: the page gets a copy.
    this.sent.push([channel, ...args.map((a) => structuredClone(a))]);
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("destroyed");
  }
}

export class BrowserWindow extends EventEmitter {
  static all: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    if (!app.isReady()) throw new Error("Cannot create BrowserWindow before app is ready");
    BrowserWindow.all.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    setImmediate(() => {
      this.webContents.emit("did-finish-load");
      this.emit("ready-to-show");
    });
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
    this.visible = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user closes the window: 'close' may be prevented (the app hides to the tray). */
  close(): void {
    const e = preventable();
    this.emit("close", e);
    if (!e.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit("closed");
    // Not while quitting: app.quit() closes the windows without this event.
    if (!app.closingForQuit && BrowserWindow.getAllWindows().length === 0) app.emit("window-all-closed");
  }
}

// ---- ipcMain --------------------------------------------------------------------------

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What `ipcRenderer.invoke` from the page in `from` does. */
  async invoke(from: FakeWebContents, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
    const reply = await handler({ sender: from, senderFrame: { url: from.getURL() } }, ...args.map((a) => structuredClone(a)));
    return structuredClone(reply);
  }
  /** What `ipcRenderer.send` from the page in `from` does. */
  sendFrom(from: FakeWebContents, channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: from, senderFrame: { url: from.getURL() } }, ...args);
  }
}
export const ipcMain = new FakeIpcMain();

// ---- shell, Notification, clipboard, dialog ----------------------------------------------

class FakeShell extends EventEmitter {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
    this.emit("open-external", url);
  }
  async openPath(path: string): Promise<string> {
    this.opened.push(path);
    return "";
  }
}
export const shell = new FakeShell();

export class Notification extends EventEmitter {
  static shown: Notification[] = [];
  static isSupported(): boolean {
    return true;
  }
  readonly title: string;
  readonly body: string;
  constructor(options: { title?: string; body?: string; silent?: boolean }) {
    super();
    this.title = options.title ?? "";
    this.body = options.body ?? "";
  }
  show(): void {
    Notification.shown.push(this);
  }
  /** The user clicks the notification. */
  click(): void {
    this.emit("click");
  }
}

export const clipboard = {
  text: "",
  writeText(text: string): void {
    clipboard.text = text;
  },
  readText(): string {
    return clipboard.text;
  },
};

export const dialog = {
  errors: [] as { title: string; content: string }[],
  showErrorBox(title: string, content: string): void {
    dialog.errors.push({ title, content });
  },
};

// ---- app ------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

class FakeApp extends EventEmitter {
  /** What requestSingleInstanceLock answers (false: another instance holds it). */
  singleInstanceLock = true;
  readonly paths = new Map<string, string>();
  loginItemSettings = { openAtLogin: false };
  appUserModelId: string | null = null;
  quitRequests = 0;
  closingForQuit = false;
  exitCode: number | null = null;
  private readyFlag = false;
  private quitted = false;
  private readonly whenQuit: Promise<void>;
  private resolveQuit!: () => void;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;
  constructor() {
    super();
    this.whenQuit = new Promise((r) => (this.resolveQuit = r));
    this.ready = new Promise((r) => (this.resolveReady = r));
  }
  /** The test starts the app (Electron emits 'ready' once its own startup is done). */
  markReady(): void {
    if (this.readyFlag) return;
    this.readyFlag = true;
    this.emit("will-finish-launching");
    this.emit("ready", {}, {});
    this.resolveReady();
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  isReady(): boolean {
    return this.readyFlag;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  /** Another launch of the app: Electron tells the instance holding the lock. */
  launchSecondInstance(argv: string[] = []): void {
    this.emit("second-instance", preventable(), argv, ROOT, {});
  }
  /** Electron: 'before-quit', then 'will-quit'; a prevented will-quit cancels; else 'quit'. */
  quit(): void {
    if (this.quitted) return;
    this.quitRequests++;
    const before = preventable();
    this.emit("before-quit", before);
    if (before.defaultPrevented) return;
    this.closingForQuit = true;
    try {
      for (const w of BrowserWindow.getAllWindows()) {
        w.close();
        if (!w.isDestroyed()) return; // a window refused to close: the quit is cancelled
      }
    } finally {
      this.closingForQuit = false;
    }
    const will = preventable();
    this.emit("will-quit", will);
    if (will.defaultPrevented) return;
    this.quitted = true;
    this.emit("quit", preventable(), 0);
    this.resolveQuit();
  }
  exit(code = 0): void {
    this.exitCode = code;
    this.quitted = true;
    this.resolveQuit();
  }
  /** Resolves once the app has really quit (or exited). */
  hasQuit(): Promise<void> {
    return this.whenQuit;
  }
  get isQuitted(): boolean {
    return this.quitted;
  }
  getAppPath(): string {
    return ROOT;
  }
  getVersion(): string {
    return "0.1.0";
  }
  getName(): string {
    return "cursor-relay";
  }
  getPath(name: string): string {
    const p = this.paths.get(name);
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItemSettings };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.loginItemSettings = { ...this.loginItemSettings, ...settings };
  }
}
export const app = new FakeApp();

const electron = { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, shell, Tray };
export default electron;
