// Browser logins started from a UI (the tray app, the web dashboard;
// docs/protocol.md §2.1): each gets a handle and a LoginView that moves from
// "waiting" to "succeeded" / "failed" / "cancelled". The control API returns the view
// with the URL at once and publishes the outcome through onChange.
import type { Clock } from "../base/clock.ts";
import { RelayError } from "../base/errors.ts";
import type { LoginView } from "../base/control-api.ts";
import type { AccountInfo } from "./registry.ts";
import { isLoginCancelled, startLogin, type LoginHandle, type StartLoginOptions } from "./login.ts";

export interface LoginManager {
  /** Starts a login and returns its view (state "waiting", with the URL to open). */
  start(label: string | null): LoginView;
  /** The result of a login started here, by handle (rejects like the login itself). */
  result(handle: string): Promise<AccountInfo>;
  cancel(handle: string): void;
  /** Current and recently finished logins, newest first. */
  views(): LoginView[];
  onChange(listener: () => void): () => void;
  /** Cancels every login still waiting. */
  close(): void;
}

export type LoginManagerOptions = Omit<StartLoginOptions, "label" | "signal" | "pkce"> & {
  clock: Clock;
  /** Finished logins stay visible this long (default 10 minutes). */
  keepFinishedMs?: number;
};

export function createLoginManager(options: LoginManagerOptions): LoginManager {
  const entries = new Map<string, { view: LoginView; login: LoginHandle; finishedAt: number | null }>();
  const listeners = new Set<() => void>();
  const keep = options.keepFinishedMs ?? 10 * 60_000;
  const changed = () => {
    for (const l of [...listeners]) l();
  };
  const prune = () => {
    const now = options.clock.now();
    for (const [h, e] of entries) if (e.finishedAt !== null && now - e.finishedAt > keep) entries.delete(h);
  };
  const find = (handle: string) => {
    const e = entries.get(handle);
    if (!e) throw new RelayError({ kind: "not_found", status: 404, message: `no login ${JSON.stringify(handle)} (finished logins are forgotten after a while)` });
    return e;
  };

  return {
    start(label) {
      prune();
      const login = startLogin({ ...options, label });
      const view: LoginView = { handle: login.handle, url: login.url, label, state: "waiting", accountId: null, error: null };
      const entry = { view, login, finishedAt: null as number | null };
      entries.set(login.handle, entry);
      login.done.then(
        (account) => {
          entry.view = { ...entry.view, state: "succeeded", accountId: account.id };
          entry.finishedAt = options.clock.now();
          changed();
        },
        (e: unknown) => {
          entry.view = isLoginCancelled(e)
            ? { ...entry.view, state: "cancelled" }
            : { ...entry.view, state: "failed", error: e instanceof Error ? e.message : String(e) };
          entry.finishedAt = options.clock.now();
          changed();
        },
      );
      changed();
      return { ...view };
    },
    result: (handle) => find(handle).login.done,
    cancel(handle) {
      find(handle).login.cancel();
    },
    views() {
      prune();
      return [...entries.values()].reverse().map((e) => ({ ...e.view }));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      for (const e of entries.values()) if (e.finishedAt === null) e.login.cancel();
    },
  };
}
