// The keychain store of one data folder. Entries live under the service
// `cursor-relay/<data folder id>`, so two data folders never touch each other's tokens
// or relay key. Entries written before scoping (service `cursor-relay`, shared by every
// folder) are moved into the folder's scope when the folder lists that account id AND the
// entry's token belongs to the same Cursor user (JWT `sub`) as the listed account; any
// other old entry belongs to another folder and is left alone.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readTokenClaims } from "./identity.ts";
import { SECRET_SERVICE, type SecretStore } from "./secret-store.ts";
import { openKeytarSecretStore, type KeytarLike } from "./secret-store-keytar.ts";
import { dataFolderId } from "./data-folder-id.ts";
import { createFileSettingsStore, SETTINGS_FILE } from "./settings-store.ts";

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
  let raw: unknown;
  try {
    raw = createFileSettingsStore(dataDir).get("accounts");
  } catch {
    return []; // a damaged settings file is reported by the commands that need it
  }
  if (typeof raw !== "object" || raw === null) return [];
  return Object.entries(raw as Record<string, unknown>).map(([id, v]) => {
    const sub = typeof v === "object" && v !== null ? (v as { sub?: unknown }).sub : null;
    return { id, sub: typeof sub === "string" ? sub : null };
  });
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
    if ((await scoped.get(account.id)) !== null) continue;
    const old = await legacy.get(account.id);
    if (old === null || readTokenClaims(old.accessToken).sub !== account.sub) continue;
    await scoped.set(account.id, old);
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

export async function openScopedKeychainStore(options: ScopedKeychainOptions): Promise<SecretStore> {
  const keytar = options.keytar ? { keytar: options.keytar } : {};
  // Probed first, so a missing keychain is reported before anything is written to the folder.
  const legacy = await openKeytarSecretStore({ ...keytar, service: SECRET_SERVICE });
  const folderExisted = existsSync(join(options.dataDir, SETTINGS_FILE));
  const folder = dataFolderId(options.dataDir);
  const scoped = await openKeytarSecretStore({ ...keytar, service: scopedService(folder.id) });
  await migrateLegacyEntries({ legacy, scoped, accounts: listedAccounts(options.dataDir), relayKey: folder.created && folderExisted });
  return scoped;
}
