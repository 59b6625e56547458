// cursor-relay serve: the relay and its web dashboard, headless (the same core the tray
// app runs). Prints `listening on http://127.0.0.1:<port>` when ready, then the
// dashboard URL; Ctrl-C / SIGTERM stop it cleanly (usage and cooldowns flushed).
import type { CommandIo } from "./io.ts";
import { commandArgs, portOption, UsageError } from "./options.ts";
import { checkDataDir } from "./data-dir-check.ts";
import { createRelayApp, DEFAULT_HOST, DEFAULT_PORT, type RelayApp, type RelayAppOptions } from "../relay/relay-app.ts";
import { tuneHeapForRelay } from "../relay/heap-tuning.ts";
import { readApiKey } from "../relay/relay-config.ts";
import { createLogger, type LogLevel } from "../base/log.ts";
import { ensureRendererBuilt } from "../relay/renderer-dir.ts";
import { LOOPBACK_HOSTS } from "../gateway/listen.ts";

const usage = `usage: cursor-relay serve [--port N] [--host ADDR] [--api-key KEY] [--log-level LEVEL]
                          [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]

  --port N         port on the host (env CURSOR_RELAY_PORT; default ${DEFAULT_PORT}; 0 = any free port)
  --host ADDR      address to listen on (default ${DEFAULT_HOST}; anything else exposes the relay to your network)
  --api-key KEY    the key clients must send (env CURSOR_RELAY_API_KEY; default: generated once, kept in the keychain)
  --log-level L    debug | info | warn | error (default info)

logins started from the dashboard open in the dashboard's own browser (the relay never opens one itself)`;

export interface ServeDeps extends Partial<Pick<RelayAppOptions, "keytar" | "fetch" | "clock" | "cursor" | "sessions" | "home">> {
  /** Resolves when the server should stop (default: SIGINT / SIGTERM). */
  until?: Promise<void>;
  onStarted?: (app: RelayApp) => void;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

export async function serveCommand(argv: string[], io: CommandIo, deps: ServeDeps = {}): Promise<number> {
  const args = commandArgs(argv, {
      port: { type: "string" },
      host: { type: "string" },
      "api-key": { type: "string" },
      "log-level": { type: "string" },
    }, usage, io, { positionals: false });
  if (args === null) return 0;
  const { global, values } = args;
  const portText = portOption(values.port, io.env, DEFAULT_PORT, usage);
  const host = (values.host as string | undefined) ?? DEFAULT_HOST;
  const level = (values["log-level"] as string | undefined) ?? "info";
  if (!["debug", "info", "warn", "error"].includes(level)) throw new UsageError(`--log-level: must be debug, info, warn or error`, usage);
  const apiKey = readApiKey((values["api-key"] as string | undefined) ?? (io.env.CURSOR_RELAY_API_KEY || undefined), (m) => new UsageError(`--api-key: ${m}`, usage));

  checkDataDir(global.dataDir, io.env, (m) => io.err(`warning: ${m}`));
  tuneHeapForRelay();
  const logger = createLogger({ level: level as LogLevel, sink: (line) => io.err(line) });
  const uiDir = ensureRendererBuilt((m) => io.err(m));
  const app = await createRelayApp({
    ...global,
    host,
    port: Number(portText),
    ...(apiKey ? { apiKey } : {}),
    uiDir,
    logger,
    warn: (m) => io.err(`warning: ${m}`),
    // The dashboard opens the login page in the user's browser; the relay must not open a second one.
    openBrowser: null,
    env: io.env,
    ...(deps.keytar ? { keytar: deps.keytar } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.cursor ? { cursor: deps.cursor } : {}),
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    ...(deps.home ? { home: deps.home } : {}),
  });
  try {
    await app.start();
  } catch (e) {
    await app.stop();
    throw e;
  }
  io.out(`listening on ${app.url}`);
  if (!LOOPBACK_HOSTS.has(host)) io.err(`warning: listening on ${host}: other machines can reach the relay (the relay key is still required)`);
  if (uiDir) io.out(`dashboard: ${app.dashboardUrl()}`);
  else io.out("dashboard: not available (the renderer is not built: `npm run build:renderer`); the management API is at /v0/management/");
  // `npx` finds the command in a checkout after `npm ci` as well as in a global install.
  io.out("Claude Code / OpenAI setup: run `npx cursor-relay env` (prints the lines to paste)");
  deps.onStarted?.(app);
  await (deps.until ?? stopSignal());
  io.err("stopping…");
  await app.stop();
  return 0;
}
