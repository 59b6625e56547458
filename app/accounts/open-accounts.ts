// Wires the accounts layer for one process from the global options: the settings file,
// the chosen secret backend (opened lazily, so listing works without a keychain) and
// the registry. `serve` and the CLI commands share it.
import { systemClock, type Clock } from "../base/clock.ts";
import type { Logger } from "../base/log.ts";
import { createFileSettingsStore, type SettingsStore } from "./settings-store.ts";
import { lazySecretStore, type SecretStore } from "./secret-store.ts";
import { openSecretStore, type SecretStoreKind } from "./secret-store-open.ts";
import type { KeytarLike } from "./secret-store-keytar.ts";
import { createAccountRegistry, malformedAccountEntries, type AccountRegistry } from "./registry.ts";
import type { FetchLike } from "./cursor-http.ts";

export interface OpenAccountsOptions {
  dataDir: string;
  cursorApi: string;
  secretStore: SecretStoreKind;
  /** Receives the one-time warning when the file secret store is used. */
  warn: (message: string) => void;
  clock?: Clock;
  fetch?: FetchLike;
  logger?: Logger;
  keytar?: KeytarLike;
  refreshTimers?: boolean;
  /** Open (and probe) the secret store now instead of on first use. */
  eager?: boolean;
  /** The settings store to use instead of opening one (the Electron face hands in its electron-store, the same conf-based store). */
  settings?: SettingsStore;
}

export interface OpenedAccounts {
  settings: SettingsStore;
  secrets: SecretStore;
  registry: AccountRegistry;
}

export async function openAccounts(options: OpenAccountsOptions): Promise<OpenedAccounts> {
  const settings = options.settings ?? createFileSettingsStore(options.dataDir);
  for (const problem of malformedAccountEntries(settings)) options.warn(problem);
  const open = () =>
    openSecretStore({ kind: options.secretStore, dataDir: options.dataDir, warn: options.warn, ...(options.keytar ? { keytar: options.keytar } : {}) });
  const secrets = options.eager ? await open() : lazySecretStore(options.secretStore, open);
  const registry = createAccountRegistry({
    dataDir: options.dataDir,
    settings,
    secrets,
    cursorApi: options.cursorApi,
    clock: options.clock ?? systemClock,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    refreshTimers: options.refreshTimers ?? true,
  });
  return { settings, secrets, registry };
}
