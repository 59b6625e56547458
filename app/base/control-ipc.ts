// The Electron IPC channels of the control contract besides the per-action ones
// (each action's channel is in its spec), and the shape of an action's reply.

/** IPC: renderer → main to start/stop the snapshot push; main → renderer with each snapshot. */
export const IPC_SUBSCRIBE = "cursor-relay:subscribe";
export const IPC_UNSUBSCRIBE = "cursor-relay:unsubscribe";
export const IPC_SNAPSHOT = "cursor-relay:snapshot";

/** What an IPC action handler answers (errors cannot cross the bridge with their fields). */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: { type: string; message: string } };
