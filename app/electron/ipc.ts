// The ControlApi over Electron IPC, main-process side: one `handle` per contract
// action. Every call is checked before it runs: it must come from our renderer's frame
// and carry exactly one argument object that the contract's validator accepts.
// Replies are {ok, value} | {ok:false, error:{type, message}} (errors lose their fields
// when they cross IPC). What goes to the renderer: snapshots (no secret, by contract)
// and action results, among which the relay key only when the user asks for it
// (revealRelayKey, getClientSetup({revealKey:true})).
import type { ControlApi, Snapshot } from "../base/control-api.ts";
import {
  IPC_SNAPSHOT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  callAction,
  controlActionNames,
  controlActions,
  isControlActionName,
  parseActionInput,
  type ControlActionName,
  type IpcReply,
} from "../base/control-contract.ts";
import { RelayError, toRelayError } from "../base/errors.ts";
import type { Logger } from "../base/log.ts";
import { isTrustedRendererUrl } from "./urls.ts";

export type IpcValidation = { ok: true; name: ControlActionName; input: object } | { ok: false; error: RelayError };

const CHANNEL_PREFIX = "cursor-relay:";

export function validateIpcCall(channel: string, args: readonly unknown[], senderUrl: string | null | undefined, rendererUrl: string): IpcValidation {
  if (!isTrustedRendererUrl(senderUrl, rendererUrl)) {
    return { ok: false, error: new RelayError({ kind: "permission", status: 403, message: "IPC call from a page that is not Cursor Relay's window" }) };
  }
  const name = channel.startsWith(CHANNEL_PREFIX) ? channel.slice(CHANNEL_PREFIX.length) : "";
  if (!isControlActionName(name) || controlActions[name].channel !== channel) {
    return { ok: false, error: new RelayError({ kind: "not_found", status: 404, message: `no control action on channel ${JSON.stringify(channel)}` }) };
  }
  if (args.length !== 1) {
    return { ok: false, error: new RelayError({ kind: "invalid_request", status: 400, message: `${name}: expected one argument object, got ${args.length} arguments` }) };
  }
  try {
    return { ok: true, name, input: parseActionInput(name, args[0]) };
  } catch (e) {
    return { ok: false, error: toRelayError(e) };
  }
}

// ---- the parts of Electron's IPC objects we use (typed here so tests can fake them) ----

export interface FrameLike {
  readonly url: string;
}
export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  getURL(): string;
  isDestroyed(): boolean;
  once(event: "destroyed", listener: () => void): unknown;
}
export interface IpcEventLike {
  readonly senderFrame: FrameLike | null;
  readonly sender: WebContentsLike;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

export interface ControlIpcOptions {
  ipcMain: IpcMainLike;
  control: ControlApi;
  /** The renderer's URL (file://…/dist/renderer/index.html, or a dev server's). */
  rendererUrl: string;
  logger: Logger;
}

function replyError(e: unknown): IpcReply {
  const err = toRelayError(e);
  return { ok: false, error: { type: err.kind, message: err.message } };
}

/** Registers the handlers; returns a function that removes them all. */
export function registerControlIpc(options: ControlIpcOptions): () => void {
  const { ipcMain, control, rendererUrl, logger } = options;

  for (const name of controlActionNames) {
    const channel = controlActions[name].channel;
    ipcMain.handle(channel, async (event, ...args): Promise<IpcReply> => {
      const v = validateIpcCall(channel, args, event.senderFrame?.url, rendererUrl);
      if (!v.ok) {
        if (v.error.status === 403) logger.warn("refused an IPC call from an unknown page", { channel, url: event.senderFrame?.url ?? null });
        return replyError(v.error);
      }
      try {
        return { ok: true, value: await callAction(control, v.name, v.input) };
      } catch (e) {
        const err = toRelayError(e);
        if (err.status >= 500) logger.error("control action failed", { action: name, error: err.message });
        return replyError(err);
      }
    });
  }

  // Snapshot push: one ControlApi subscription fanned out to subscribed windows.
  const subscribers = new Map<number, WebContentsLike>();
  let unsubscribe: (() => void) | null = null;
  const send = (wc: WebContentsLike, snapshot: Snapshot) => {
    if (wc.isDestroyed() || !isTrustedRendererUrl(wc.getURL(), rendererUrl)) {
      drop(wc);
      return;
    }
    wc.send(IPC_SNAPSHOT, snapshot);
  };
  const drop = (wc: WebContentsLike) => {
    subscribers.delete(wc.id);
    if (subscribers.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
  const onSubscribe = (event: IpcEventLike) => {
    if (!isTrustedRendererUrl(event.senderFrame?.url, rendererUrl)) {
      logger.warn("refused a snapshot subscription from an unknown page", { url: event.senderFrame?.url ?? null });
      return;
    }
    const wc = event.sender;
    if (!subscribers.has(wc.id)) {
      subscribers.set(wc.id, wc);
      wc.once("destroyed", () => drop(wc));
    }
    unsubscribe ??= control.subscribe((s) => {
      for (const sub of [...subscribers.values()]) send(sub, s);
    });
    control.getSnapshot().then(
      (s) => subscribers.has(wc.id) && send(wc, s),
      (e: unknown) => logger.warn("could not read a snapshot for a new subscriber", { error: e }),
    );
  };
  const onUnsubscribe = (event: IpcEventLike) => {
    if (subscribers.has(event.sender.id)) drop(event.sender);
  };
  ipcMain.on(IPC_SUBSCRIBE, onSubscribe);
  ipcMain.on(IPC_UNSUBSCRIBE, onUnsubscribe);

  return () => {
    for (const name of controlActionNames) ipcMain.removeHandler(controlActions[name].channel);
    ipcMain.removeListener(IPC_SUBSCRIBE, onSubscribe);
    ipcMain.removeListener(IPC_UNSUBSCRIBE, onUnsubscribe);
    unsubscribe?.();
    unsubscribe = null;
    subscribers.clear();
  };
}
