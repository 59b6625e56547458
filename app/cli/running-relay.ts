// `cursor-relay accounts reset|remove|label` while a relay runs on the same data folder:
// the change goes through that relay's ControlApi over its management HTTP API, so the
// relay that owns the account state applies it at once and no second process edits its
// files. Where it listens is in relay.json (a stale file, dead pid, is ignored).
//
// Authentication: the management key, the same Bearer credential the dashboard uses. The
// relay keeps it in the secret store (keychain, or the encrypted file store) under
// `management-key-running` while it runs; a process of the same user can read it, nobody
// else can, and it never lands in a plain file. Without it (e.g. a relay from an older
// version) the command says so instead of editing files under a running relay.
import { httpCallFor, httpRequestInit, inputFromArgs, readManagementReply, type ControlActionName } from "../base/control-contract.ts";
import type { ControlApi } from "../base/control-api.ts";
import { RelayError, type RelayErrorKind } from "../base/errors.ts";
import { MANAGEMENT_KEY_ENTRY, readRuntimeInfo } from "../base/runtime-file.ts";
import type { SecretStore } from "../accounts/secret-store.ts";

/** The account actions the CLI sends to a running relay. */
export type RelayAccountActions = Pick<ControlApi, "resetCooldown" | "removeAccount" | "renameAccount">;

export interface RunningRelay extends RelayAccountActions {
  url: string;
  pid: number;
}

const TIMEOUT_MS = 10_000;

/** The relay running on `dataDir`, or null when none runs. */
export async function runningRelay(dataDir: string, secrets: Pick<SecretStore, "getRelayKey">): Promise<RunningRelay | null> {
  const info = readRuntimeInfo(dataDir);
  if (!info) return null;
  const key = await secrets.getRelayKey(MANAGEMENT_KEY_ENTRY);
  if (key === null) {
    throw new RelayError({
      kind: "config",
      status: 409,
      message: `a relay runs on this data folder (pid ${info.pid}, ${info.url}) but left no management key to reach it; stop it (or restart it) and run the command again`,
    });
  }
  const call = async <K extends ControlActionName>(name: K, ...args: Parameters<ControlApi[K]>): Promise<void> => {
    const http = httpCallFor(name, inputFromArgs(name, args));
    let res: Response;
    try {
      res = await fetch(new URL(http.path, info.url), { ...httpRequestInit(http, { authorization: `Bearer ${key}` }), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new RelayError({ kind: "config", status: 503, message: `the relay at ${info.url} (pid ${info.pid}) does not answer: ${e instanceof Error ? e.message : String(e)}` });
    }
    const reply = await readManagementReply(res);
    if (reply.ok) return;
    throw new RelayError({
      kind: (reply.type ?? "config") as RelayErrorKind,
      status: reply.status,
      message: reply.message ?? `the relay at ${info.url} answered ${reply.status}`,
    });
  };
  return {
    url: info.url,
    pid: info.pid,
    resetCooldown: (id) => call("resetCooldown", id),
    removeAccount: (id) => call("removeAccount", id),
    renameAccount: (id, label) => call("renameAccount", id, label),
  };
}
