import type { CommandIo } from "./io.ts";
import { parseCommandArgs, UsageError } from "./options.ts";

const usage = "usage: cursor-relay accounts [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]";

export async function accountsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { help } = parseCommandArgs(argv, {}, usage, io.env);
  if (help) {
    io.out(usage);
    return 0;
  }
  throw new UsageError("accounts is not available yet in this build", usage);
}
