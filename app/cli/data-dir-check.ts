// The data folder is checked before a command does anything else (before a browser opens
// for a login, before `env` prints a key): a path that is a file, an explicit folder
// whose parent is missing, or a folder this user cannot write to is one plain sentence
// and exit 2. A folder readable by others is tightened to 0700 when it is ours (empty, or
// holding our files); someone else's folder is only warned about.
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { RelayError } from "../base/errors.ts";
import { defaultDataDir } from "../base/paths.ts";
import { RUNTIME_FILE } from "../base/runtime-file.ts";
import { DATA_FOLDER_ID_FILE } from "../accounts/data-folder-id.ts";
import { SECRETS_FILE, SECRETS_KEY_FILE } from "../accounts/secret-store-file.ts";
import { SETTINGS_FILE } from "../accounts/settings-store.ts";
import { STATE_FILE } from "../accounts/rotation-state.ts";

/** Files only cursor-relay writes: a folder holding one of them is ours. */
const OUR_FILES = [SETTINGS_FILE, STATE_FILE, RUNTIME_FILE, DATA_FOLDER_ID_FILE, SECRETS_FILE, SECRETS_KEY_FILE];

export class DataDirError extends RelayError {
  constructor(message: string) {
    super({ kind: "config", status: 2, message });
  }
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

function kindOf(path: string): "dir" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "dir" : "other";
  } catch (e) {
    // ENOTDIR: a parent is a file; the parent check names it.
    if (code(e) === "ENOENT" || code(e) === "ENOTDIR") return "missing";
    throw new DataDirError(`the data folder ${path} cannot be used (${code(e) ?? (e as Error).message}); choose another --data-dir or fix its permissions`);
  }
}

/** Creates a file in the folder and removes it again: the only test of "can write" that holds for root too. */
function assertWritable(dir: string): void {
  const probe = join(dir, `.cursor-relay-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx", 0o600));
    rmSync(probe, { force: true });
  } catch (e) {
    throw new DataDirError(`the data folder ${dir} is not writable (${code(e) ?? (e as Error).message}); choose another --data-dir or fix its permissions`);
  }
}

export function checkDataDir(dataDir: string, env: NodeJS.ProcessEnv, warn: (message: string) => void): void {
  const kind = kindOf(dataDir);
  if (kind === "other") throw new DataDirError(`the data folder ${dataDir} is a file, not a folder; choose another --data-dir`);
  if (kind === "missing") {
    const parent = dirname(dataDir);
    const parentKind = kindOf(parent);
    // Only the default folder gets its parents made: a missing parent of a folder given by
    // hand is more likely a typo (or an unmounted disk) than a wish.
    if (parentKind === "other") throw new DataDirError(`the data folder ${dataDir} cannot be created: ${parent} is a file, not a folder`);
    if (parentKind === "missing" && dataDir !== defaultDataDir(env)) {
      throw new DataDirError(`the data folder ${dataDir} cannot be created: its parent folder ${parent} does not exist`);
    }
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new DataDirError(`the data folder ${dataDir} cannot be created (${code(e) ?? (e as Error).message}); choose another --data-dir or fix the permissions of ${parent}`);
    }
  }
  assertWritable(dataDir);
  if (process.platform === "win32") return;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  const names = readdirSync(dataDir);
  if (names.length === 0 || names.some((n) => OUR_FILES.includes(n))) {
    chmodSync(dataDir, 0o700);
    return;
  }
  warn(
    `the data folder ${dataDir} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}) and holds files that are not cursor-relay's, ` +
      `so its permissions were left alone; use a folder of its own or run \`chmod 700 ${dataDir}\``,
  );
}
