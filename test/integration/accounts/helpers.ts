// Shared setup for the accounts integration tests: a temp data dir, the real secret
// store (keychain under the test keyring, else the file store), a captured logger, and
// a scan of every file in the data dir for secrets.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesUnder } from "../../support/files.ts";
import type { Clock } from "../../../app/base/clock.ts";
import { createLogger, type Logger } from "../../../app/base/log.ts";
import { createFileSettingsStore } from "../../../app/accounts/settings-store.ts";
import { openSecretStore } from "../../../app/accounts/secret-store-open.ts";
import { createAccountRegistry, type AccountRegistry } from "../../../app/accounts/registry.ts";
import type { SecretStore } from "../../../app/accounts/secret-store.ts";

export const haveKeyring = process.env.CURSOR_RELAY_TEST_SESSION === "keyring";
export const storeKind: "keychain" | "file" = haveKeyring ? "keychain" : "file";

export interface Env {
  dir: string;
  logLines: string[];
  logger: Logger;
  secrets: SecretStore;
  openRegistry(clock: Clock, refreshTimers?: boolean): AccountRegistry;
  /** Every file under the data dir, with its content. */
  files(): { path: string; text: string }[];
  /** Asserts that no given secret appears in any data-dir file or log line (or the extra lines). */
  assertNoSecrets(secrets: string[], extraLines?: string[]): void;
}

export async function makeEnv(t: { after(fn: () => unknown): void }, cursorApi: () => string): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), "cr-accounts-it-"));
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", sink: (l) => logLines.push(l) });
  const secrets = await openSecretStore({ kind: storeKind, dataDir: dir, warn: (m) => logLines.push(`warn: ${m}`) });
  const settings = createFileSettingsStore(dir);
  const registries: AccountRegistry[] = [];
  t.after(async () => {
    for (const r of registries) r.close();
    // keychain entries are per account id; remove whatever this test created
    for (const id of Object.keys((settings.get("accounts") as Record<string, unknown> | undefined) ?? {})) await secrets.delete(id);
    rmSync(dir, { recursive: true, force: true });
  });
  const files = () => filesUnder(dir);
  return {
    dir,
    logLines,
    logger,
    secrets,
    openRegistry(clock, refreshTimers = true) {
      const r = createAccountRegistry({ dataDir: dir, settings: createFileSettingsStore(dir), secrets, cursorApi: cursorApi(), clock, logger, refreshTimers });
      registries.push(r);
      return r;
    },
    files,
    assertNoSecrets(values, extraLines = []) {
      const fs = files();
      if (fs.length === 0) throw new Error("scan found no files; the test is not looking at the data dir");
      for (const v of values) {
        if (v.length < 8) throw new Error(`secret ${JSON.stringify(v)} too short to scan for`);
        for (const f of fs) if (f.text.includes(v)) throw new Error(`a token was found in ${f.path}`);
        for (const l of [...logLines, ...extraLines]) if (l.includes(v)) throw new Error(`a token was found in a log/output line: ${l.slice(0, 80)}`);
      }
    },
  };
}
