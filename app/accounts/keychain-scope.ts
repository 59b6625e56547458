// The keychain store of one data folder. Entries live under the service
// `cursor-relay/<data folder id>`, so two data folders never touch each other's tokens
// or relay key. Entries written before scoping (service `cursor-relay`, shared by every
// folder) are moved into the folder's scope when the folder lists that account id AND the
// entry's token belongs to the same Cursor user (JWT `sub`) as the listed account; any
// other old entry belongs to another folder and is left alone. A moved entry is deleted
// under the old name, also when the folder already held its own copy: the first folder
// listing that account and user claims it (two old folders could only have shared one
// entry anyway). The migration runs once per data folder (KEYCHAIN_MIGRATION_FILE notes
// it), not on every open.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readJson, writeJsonAtomic } from "../base/json-file.ts";
import { readTokenClaims } from "./identity.ts";
import { SECRET_SERVICE, type SecretStore } from "./secret-store.ts";
import { openKeytarSecretStore, type KeytarLike } from "./secret-store-keytar.ts";
import { DATA_FOLDER_ID_FILE, dataFolderId } from "./data-folder-id.ts";
import { createFileSettingsStore, SETTINGS_FILE } from "./settings-store.ts";
import { createAccountEntries } from "./account-entries.ts";

export interface ScopedKeychainOptions {
  dataDir: string;
  keytar?: KeytarLike;
}

export const scopedService = (folderId: string): string => `${SECRET_SERVICE}/${folderId}`;

interface ListedAccount {
  id: string;
  sub: string | null;
}

function listedAccounts(dataDir: string): ListedAccount[] {
  try {
    return Object.entries(createAccountEntries(createFileSettingsStore(dataDir)).readAll()).map(([id, s]) => ({ id, sub: s.sub }));
  } catch {
    return []; // a damaged settings file is reported by the commands that need it
  }
}

/** Moves this folder's pre-scoping entries into its scope (see the file comment). */
export async function migrateLegacyEntries(options: {
  legacy: SecretStore;
  scoped: SecretStore;
  accounts: ListedAccount[];
  /** Copy the old shared relay key (only for a folder that existed before scoping). */
  relayKey: boolean;
}): Promise<string[]> {
  const { legacy, scoped } = options;
  const moved: string[] = [];
  for (const account of options.accounts) {
    if (account.sub === null || !(account.id === "cursor" || account.id.startsWith("cursor."))) continue;
    const old = await legacy.get(account.id);
    if (old === null || readTokenClaims(old.accessToken).sub !== account.sub) continue;
    // Already in the scope (a newer login, or a run interrupted before the delete): the old copy just goes.
    const inScope = await scoped.get(account.id);
    if (inScope === null) await scoped.set(account.id, old);
    else if (readTokenClaims(inScope.accessToken).sub !== account.sub) continue; // not this folder's user: keep both
    await legacy.delete(account.id);
    moved.push(account.id);
  }
  // Every folder shared the one old relay key, so it is copied (clients configured with it
  // keep working) and left in place for the other old folders.
  if (options.relayKey && (await scoped.getRelayKey()) === null) {
    const key = await legacy.getRelayKey();
    if (key !== null) await scoped.setRelayKey(key);
  }
  return moved;
}

/**
 * Where a data folder notes its migration: written before the migration starts (with whether
 * the old shared relay key is to be copied, decided once while the folder still has no id)
 * and marked done after it. An open that finds it done reads nothing under the old name; an
 * open that finds it not done (interrupted) runs the migration again, which is harmless:
 * moved entries are skipped and the relay key decision is the one noted.
 */
export const KEYCHAIN_MIGRATION_FILE = "keychain-migration.json";

interface MigrationNote {
  version: 1;
  copyRelayKey: boolean;
  done: boolean;
}

function readMigrationNote(dataDir: string): MigrationNote | null {
  try {
    const v = readJson(join(dataDir, KEYCHAIN_MIGRATION_FILE)) as Partial<MigrationNote> | undefined;
    if (v?.version === 1 && typeof v.copyRelayKey === "boolean" && typeof v.done === "boolean") return v as MigrationNote;
  } catch {
    // unreadable: migrating again is harmless
  }
  return null;
}

const writeMigrationNote = (dataDir: string, note: MigrationNote) => writeJsonAtomic(join(dataDir, KEYCHAIN_MIGRATION_FILE), note);

export async function openScopedKeychainStore(options: ScopedKeychainOptions): Promise<SecretStore> {
  const { dataDir } = options;
  const keytar = options.keytar ? { keytar: options.keytar } : {};
  const note = readMigrationNote(dataDir);
  if (note?.done) return openKeytarSecretStore({ ...keytar, service: scopedService(dataFolderId(dataDir).id) });
  // Probed first, so a missing keychain is reported before anything is written to the folder.
  const legacy = await openKeytarSecretStore({ ...keytar, service: SECRET_SERVICE });
  // Only a folder from before scoping (settings but no id yet) had the old shared relay key.
  const copyRelayKey = note?.copyRelayKey ?? (existsSync(join(dataDir, SETTINGS_FILE)) && !existsSync(join(dataDir, DATA_FOLDER_ID_FILE)));
  writeMigrationNote(dataDir, { version: 1, copyRelayKey, done: false });
  const scoped = await openKeytarSecretStore({ ...keytar, service: scopedService(dataFolderId(dataDir).id) });
  await migrateLegacyEntries({ legacy, scoped, accounts: listedAccounts(dataDir), relayKey: copyRelayKey });
  writeMigrationNote(dataDir, { version: 1, copyRelayKey, done: true });
  return scoped;
}
