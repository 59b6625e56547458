// `<dataDir>/relay.json` says where a running relay listens, so `cursor-relay env` and
// the accounts CLI can find it. It holds no secret, only the name of the secret entry that
// holds the key the relay accepts (`keyEntry`); a stale file (dead pid) is ignored.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { readJson, writeJsonAtomic } from "../base/json-file.ts";
/** A secret-store entry holding a relay key (the stored key, one given at start, the management key). */
export type RelayKeyEntry = "relay-key" | "relay-key-running" | "management-key-running";

export const RUNTIME_FILE = "relay.json";

/** The secret entry holding the running relay's management key (the accounts CLI's credential). */
export const MANAGEMENT_KEY_ENTRY: RelayKeyEntry = "management-key-running";

export interface RuntimeInfo {
  pid: number;
  url: string;
  port: number;
  startedAt: number;
  /** The secret entry holding the relay's key: the stored key, or one given with --api-key. */
  keyEntry: RelayKeyEntry;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeJsonAtomic(join(dataDir, RUNTIME_FILE), info);
}

export function readRuntimeInfo(dataDir: string): RuntimeInfo | null {
  let v: unknown;
  try {
    v = readJson(join(dataDir, RUNTIME_FILE));
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.pid !== "number" || typeof o.url !== "string" || typeof o.port !== "number") return null;
  if (!alive(o.pid)) return null;
  return {
    pid: o.pid,
    url: o.url,
    port: o.port,
    startedAt: typeof o.startedAt === "number" ? o.startedAt : 0,
    keyEntry: o.keyEntry === "relay-key-running" ? "relay-key-running" : "relay-key",
  };
}

/** Removes the file if it is ours (another relay may have replaced it). */
export function clearRuntimeInfo(dataDir: string, pid: number): void {
  try {
    const v = readJson(join(dataDir, RUNTIME_FILE)) as { pid?: unknown } | undefined;
    if (v?.pid === pid) rmSync(join(dataDir, RUNTIME_FILE), { force: true });
  } catch {
    // unreadable: leave it; readers ignore stale files
  }
}
