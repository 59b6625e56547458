// The checks that need no network: the data folder (exists, a folder, writable, private)
// and the secret store (reachable, unlocked: a read answers).
import { accessSync, constants, statSync } from "node:fs";
import type { SecretStore } from "../accounts/secret-store.ts";
import { errorText, fail, pass, type CheckOutcome } from "./check.ts";

export function checkDataDir(dataDir: string, platform: NodeJS.Platform = process.platform): CheckOutcome {
  let stat;
  try {
    stat = statSync(dataDir);
  } catch {
    return fail(`${dataDir} does not exist`, "add an account with `cursor-relay login` (it creates the folder), or pass the right --data-dir");
  }
  if (!stat.isDirectory()) return fail(`${dataDir} is not a folder`, "move that file away or pass another --data-dir");
  try {
    accessSync(dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return fail(`${dataDir} is not readable and writable by this user`, `fix its owner or permissions (e.g. \`chmod 700 ${dataDir}\`)`);
  }
  const mode = stat.mode & 0o777;
  const shown = `${dataDir} (${mode.toString(8).padStart(4, "0")})`;
  // Windows has no POSIX modes; its folders report 0666/0777.
  if (platform !== "win32" && (mode & 0o077) !== 0) {
    return fail(`${shown}: other users can read or enter it`, `run \`chmod 700 ${dataDir}\``);
  }
  return pass(shown);
}

/** Opening the store probes it; one read more proves it answers (a locked keyring does not). */
export async function checkSecretStore(open: () => Promise<SecretStore>): Promise<{ outcome: CheckOutcome; store: SecretStore | null }> {
  let store: SecretStore;
  try {
    store = await open();
    await store.getRelayKey();
  } catch (e) {
    return {
      outcome: fail(
        errorText(e),
        "unlock the OS keychain (log in to the desktop session, or start and unlock gnome-keyring / KeePassXC), or rerun with `--secret-store file`",
      ),
      store: null,
    };
  }
  return { outcome: pass(`${store.kind} reachable and unlocked`), store };
}
