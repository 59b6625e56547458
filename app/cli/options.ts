// The options every subcommand shares, each also readable from an environment variable.
import type { CommandIo } from "./io.ts";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { RelayError } from "../base/errors.ts";
import { DEFAULT_CURSOR_API } from "../base/cursor-api.ts";
import { readPort, readRelayConfig, type RelayConfig, type SecretStoreKind } from "../relay/relay-config.ts";

export { DEFAULT_CURSOR_API };
export type { SecretStoreKind };
export type GlobalOptions = RelayConfig;

export const USAGE = `usage: cursor-relay <command> [options]

commands:
  serve                     run the local proxy and the web dashboard
  login                     add a Cursor account by browser login
  accounts                  list accounts (accounts remove|reset|label <id> ...)
  env                       print the environment lines for Claude Code and OpenAI clients
  doctor                    check keychain, accounts, a live Cursor Run and the relay; say what to fix
  models                    Cursor's model list and what client model names map to

options (every command):
  --data-dir DIR            where settings live   (env CURSOR_RELAY_DATA_DIR; default: the OS app-data folder)
  --cursor-api URL          Cursor API base URL   (env CURSOR_RELAY_CURSOR_API; default ${DEFAULT_CURSOR_API})
  --secret-store KIND       keychain | file       (env CURSOR_RELAY_SECRET_STORE; default keychain)
  -h, --help                show this help

run 'cursor-relay <command> --help' for a command's own options.`;

export const globalOptionSpec = {
  "data-dir": { type: "string" },
  "cursor-api": { type: "string" },
  "secret-store": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

export class UsageError extends RelayError {
  constructor(message: string, readonly usage: string = USAGE) {
    super({ kind: "config", status: 2, message });
  }
}

/** Parses argv for one command: global options plus the command's own. Unknown flags are errors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  own: O,
  usage: string,
  env: NodeJS.ProcessEnv = process.env,
) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...globalOptionSpec, ...own }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify.*$/s, "") : String(e), usage);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const global = resolveGlobalOptions(values, env, usage);
  return { global, values, positionals: parsed.positionals, help: values.help === true };
}

/**
 * A command's arguments, or null when `--help` asked for its usage (printed here). A
 * command that takes no bare arguments says `positionals: false` and gets a usage error for one.
 */
export function commandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  own: O,
  usage: string,
  io: Pick<CommandIo, "out" | "env">,
  options: { positionals: boolean },
): ReturnType<typeof parseCommandArgs<O>> | null {
  const parsed = parseCommandArgs(argv, own, usage, io.env);
  if (parsed.help) {
    io.out(usage);
    return null;
  }
  if (!options.positionals) noPositionals(parsed.positionals, usage);
  return parsed;
}

export function resolveGlobalOptions(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  usage: string = USAGE,
): GlobalOptions {
  return readRelayConfig(values, env, (message) => new UsageError(message, usage));
}

/** The --port value (else CURSOR_RELAY_PORT, else the default) as written, checked to be a port number. */
export function portOption(value: unknown, env: NodeJS.ProcessEnv, defaultPort: number, usage: string): string {
  const text = (value as string | undefined) ?? env.CURSOR_RELAY_PORT ?? String(defaultPort);
  return readPort(text, (message) => new UsageError(`--port: ${message}`, usage));
}

/** For commands that take no positional arguments: the first one is a usage error. */
export function noPositionals(positionals: string[], usage: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
}
