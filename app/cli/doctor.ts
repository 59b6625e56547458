// cursor-relay doctor [--json] [--account ID] [--bundle FILE] [--timeout SECONDS]
// Checks everything between the user and Cursor and says what to do next; exit 0 only
// when every check passed.
import type { CommandIo } from "./io.ts";
import { commandArgs, UsageError } from "./options.ts";
import { createAccountRegistry } from "../accounts/registry.ts";
import { openSecretStore } from "../accounts/secret-store-open.ts";
import type { KeytarLike } from "../accounts/secret-store-keytar.ts";
import { createFileSettingsStore } from "../accounts/settings-store.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { runDoctor } from "../doctor/doctor.ts";
import { formatReport } from "../doctor/format.ts";
import { writeBundle } from "../doctor/bundle.ts";
import { readCursorTuning } from "../relay/cursor-tuning.ts";

const usage = `usage: cursor-relay doctor [--json] [--account ID] [--bundle FILE] [--timeout SECONDS]
                          [--data-dir DIR] [--cursor-api URL] [--secret-store keychain|file]

  checks the data folder, the secret store, each account's token and model list, a live
  self-test Run per account (a one-line answer and one call of the relay's own echo tool),
  protocol drift, and the running relay; exit status 0 only when every check passed
  --json           the report as one JSON object
  --account ID     test only this account
  --bundle FILE    also write a redacted diagnostic file to attach to a bug report
  --timeout S      how long a self-test Run may take to end its turn (default 90)`;

export interface DoctorDeps {
  clock?: Clock;
  keytar?: KeytarLike;
}

export async function doctorCommand(argv: string[], io: CommandIo, deps: DoctorDeps = {}): Promise<number> {
  const args = commandArgs(argv, { json: { type: "boolean" }, account: { type: "string" }, bundle: { type: "string" }, timeout: { type: "string" } }, usage, io, { positionals: false });
  if (args === null) return 0;
  const { global, values } = args;
  const timeoutText = (values.timeout as string | undefined) ?? "90";
  const timeoutS = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || timeoutS <= 0) throw new UsageError(`--timeout: a number of seconds > 0, got ${JSON.stringify(timeoutText)}`, usage);
  const clock = deps.clock ?? systemClock;
  const settings = createFileSettingsStore(global.dataDir);
  const { clientVersion } = readCursorTuning(settings, io.env, (m) => io.err(`warning: ${m}`));
  const result = await runDoctor({
    ...(clientVersion ? { clientVersion } : {}),
    dataDir: global.dataDir,
    cursorApi: global.cursorApi,
    clock,
    openSecrets: () =>
      openSecretStore({ kind: global.secretStore, dataDir: global.dataDir, warn: (m) => io.err(`warning: ${m}`), ...(deps.keytar ? { keytar: deps.keytar } : {}) }),
    registry: (secrets) =>
      createAccountRegistry({
        dataDir: global.dataDir,
        settings,
        secrets,
        cursorApi: global.cursorApi,
        clock,
        refreshTimers: false,
      }),
    ...(typeof values.account === "string" ? { accountId: values.account } : {}),
    ...(io.env.CURSOR_RELAY_API_KEY ? { relayKey: io.env.CURSOR_RELAY_API_KEY } : {}),
    runTimeoutMs: Math.round(timeoutS * 1000),
  });
  if (values.json === true) io.out(JSON.stringify(result.report, null, 2));
  else for (const line of formatReport(result.report)) io.out(line);
  if (typeof values.bundle === "string") {
    const path = writeBundle(values.bundle, { dataDir: global.dataDir, result, now: clock.now() });
    if (values.json !== true) io.out(`diagnostic bundle written to ${path} (no tokens, keys, prompts or tool output)`);
  }
  return result.report.ok ? 0 : 1;
}
