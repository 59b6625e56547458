// cursor-relay login [--label NAME] [--no-browser]: browser login for one Cursor
// account. Prints exactly the three lines of docs/protocol.md §2.1 to stdout, then the
// account's display label; never the verifier or a token.
import type { CommandIo } from "./io.ts";
import { commandArgs } from "./options.ts";
import { checkDataDir } from "./data-dir-check.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { openAccounts } from "../accounts/open-accounts.ts";
import { isLoginCancelled, startLogin, type PollPolicy } from "../accounts/login.ts";
import { openSystemBrowser, type OpenBrowser } from "../accounts/browser.ts";
import type { FetchLike } from "../accounts/cursor-http.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";

const usage = `usage: cursor-relay login [--label NAME] [--no-browser] [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]

  --label NAME     name this account (account id cursor.NAME); default: a short hash of the Cursor user
  --no-browser     only print the login URL, do not open a browser`;

/** Injection points for tests; the real command uses the defaults. */
export interface LoginDeps {
  clock?: Clock;
  fetch?: FetchLike;
  openBrowser?: OpenBrowser;
  keytar?: KeytarLike;
  poll?: Partial<PollPolicy>;
  /** Aborting cancels the login (the real command wires Ctrl-C to it). */
  signal?: AbortSignal;
}

export async function loginCommand(argv: string[], io: CommandIo, deps: LoginDeps = {}): Promise<number> {
  const args = commandArgs(argv, { label: { type: "string" }, "no-browser": { type: "boolean" } }, usage, io, { positionals: false });
  if (args === null) return 0;
  const { global, values } = args;
  const label = typeof values.label === "string" ? values.label : null;
  checkDataDir(global.dataDir, io.env, (m) => io.err(`warning: ${m}`));

  const { registry } = await openAccounts({
    ...global,
    warn: (m) => io.err(`warning: ${m}`),
    eager: true, // a missing keychain is reported before the user logs in, not after
    refreshTimers: false,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.keytar ? { keytar: deps.keytar } : {}),
  });

  const controller = new AbortController();
  // The clock's timers are unref'd (they must never keep a server alive), so between
  // polls nothing would hold this process open: keep it alive until the login ends.
  const keepAlive = setInterval(() => undefined, 60_000);
  const onSigint = () => controller.abort();
  if (deps.signal) deps.signal.addEventListener("abort", onSigint, { once: true });
  else process.once("SIGINT", onSigint);
  try {
    io.out("Starting Cursor authentication...");
    const login = startLogin({
      cursorApi: global.cursorApi,
      label,
      clock: deps.clock ?? systemClock,
      registry,
      signal: controller.signal,
      warn: (m) => io.err(`warning: ${m}`),
      ...(values["no-browser"] === true ? {} : { openBrowser: deps.openBrowser ?? openSystemBrowser }),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.poll ? { poll: deps.poll } : {}),
    });
    io.out(`Please visit this URL to log in: ${login.url}`);
    io.out("Waiting for Cursor authorization...");
    try {
      const account = await login.done;
      io.out(`Logged in: ${account.displayLabel} (account id ${account.id})`);
      return 0;
    } catch (e) {
      if (isLoginCancelled(e)) {
        io.err("cursor-relay login: cancelled; nothing was stored");
        return 130;
      }
      throw e;
    }
  } finally {
    clearInterval(keepAlive);
    registry.close();
    if (!deps.signal) process.removeListener("SIGINT", onSigint);
  }
}
