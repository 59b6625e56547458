// Picks the secret backend the user asked for. The keychain is the default and is
// probed up front; the file store is only ever used when explicitly chosen.
import type { SecretStore } from "./secret-store.ts";
import type { KeytarLike } from "./secret-store-keytar.ts";
import { openScopedKeychainStore } from "./keychain-scope.ts";
import { openFileSecretStore } from "./secret-store-file.ts";

/** The backends a user can choose (`--secret-store`). */
export type SecretStoreKind = "keychain" | "file";

export interface OpenSecretStoreOptions {
  kind: SecretStoreKind;
  dataDir: string;
  /** Receives the one-time warning when the file store is chosen. */
  warn: (message: string) => void;
  keytar?: KeytarLike;
}

export async function openSecretStore(options: OpenSecretStoreOptions): Promise<SecretStore> {
  if (options.kind === "file") return openFileSecretStore({ dataDir: options.dataDir, warn: options.warn });
  return openScopedKeychainStore({ dataDir: options.dataDir, ...(options.keytar ? { keytar: options.keytar } : {}) });
}
