// An in-process stand-in for Electron's ipcMain / ipcRenderer / webContents: invoke()
// reaches the handler registered for the channel with an event carrying the sender
// frame's URL, as Electron does; send() from main lands in the page's listeners.
// Values are structured-cloned on the way, like real IPC.
import type { IpcEventLike, IpcMainLike, WebContentsLike } from "../../../app/electron/ipc.ts";

type Handler = (event: IpcEventLike, ...args: unknown[]) => unknown;
type Listener = (event: IpcEventLike, ...args: unknown[]) => void;

export const RENDERER_URL = "file:///opt/Cursor%20Relay/resources/app.asar/dist/renderer/index.html";

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Set<Listener>>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: Listener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
}

let nextId = 1;

/** One page (webContents + its renderer-side IPC). */
export class FakePage implements WebContentsLike {
  readonly id = nextId++;
  url: string;
  /** The calling frame's URL when it differs from the page's (an iframe). */
  frameUrl: string | null = null;
  destroyed = false;
  readonly received: Array<{ channel: string; args: unknown[] }> = [];
  private readonly pageListeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  private readonly destroyedListeners: Array<() => void> = [];

  constructor(
    private readonly main: FakeIpcMain,
    url = RENDERER_URL,
  ) {
    this.url = url;
  }

  // ---- webContents side (what main sees) ----
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error("send to a destroyed webContents");
    const cloned = structuredClone(args);
    this.received.push({ channel, args: cloned });
    for (const l of this.pageListeners.get(channel) ?? []) l({}, ...cloned);
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: "destroyed", listener: () => void): this {
    this.destroyedListeners.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const l of this.destroyedListeners.splice(0)) l();
  }

  // ---- ipcRenderer side (what the preload uses) ----
  private event(): IpcEventLike {
    return { senderFrame: this.destroyed ? null : { url: this.frameUrl ?? this.url }, sender: this };
  }
  readonly renderer = {
    invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => {
      const handler = this.main.handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
      return structuredClone(await handler(this.event(), ...structuredClone(args)));
    },
    send: (channel: string, ...args: unknown[]): void => {
      for (const l of this.main.listeners.get(channel) ?? []) l(this.event(), ...structuredClone(args));
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      let set = this.pageListeners.get(channel);
      if (!set) this.pageListeners.set(channel, (set = new Set()));
      set.add(listener);
      return this.renderer;
    },
  };
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
