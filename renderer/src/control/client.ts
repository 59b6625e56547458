// What the React app talks to: the ControlApi, plus how the connection to it is doing
// (always fine over Electron IPC; over HTTP the event stream can drop and retry).
import type { ControlApi } from "../../../app/base/control-api.ts";

export type ConnectionState =
  | { status: "connecting" }
  | { status: "connected" }
  | { status: "retrying"; retryAt: number; attempt: number; reason: string }
  | { status: "unauthorized"; reason: string };

export interface ControlClient extends ControlApi {
  readonly transport: "ipc" | "http";
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Skips the current backoff wait and reconnects now. */
  retryNow(): void;
}

/** An error from an action, with the relay's error type (RelayError kind) when known. */
export class ControlError extends Error {
  override readonly name = "ControlError";
  readonly type: string;
  readonly status: number | null;
  constructor(type: string, message: string, status: number | null = null) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
