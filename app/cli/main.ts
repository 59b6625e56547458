// cursor-relay: dispatches to one subcommand; every failure becomes a clear message
// and an exit code, never a stack trace for a user mistake.
import { isRelayError } from "../base/errors.ts";
import { USAGE, UsageError } from "./options.ts";
import { DataDirError } from "./data-dir-check.ts";
import type { CommandIo } from "./io.ts";
import { processIo } from "./io.ts";

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve.ts")).serveCommand,
  login: async () => (await import("./login.ts")).loginCommand,
  accounts: async () => (await import("./accounts.ts")).accountsCommand,
  env: async () => (await import("./env.ts")).envCommand,
  doctor: async () => (await import("./doctor.ts")).doctorCommand,
  models: async () => (await import("./models.ts")).modelsCommand,
};

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    io.err(`cursor-relay: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    if (e instanceof DataDirError) {
      io.err(`cursor-relay ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`cursor-relay ${name}: ${e.message}\n\n${e.usage}`);
      return 2;
    }
    if (isRelayError(e)) {
      io.err(`cursor-relay ${name}: ${e.message}`);
      return 1;
    }
    io.err(`cursor-relay ${name}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
