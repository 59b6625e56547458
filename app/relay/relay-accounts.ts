// The relay's accounts: the registry and secret store over the data folder, the rotation
// (cooldowns and usage, kept in state.json) and the login manager for "Add account".
import { openSystemBrowser } from "../accounts/browser.ts";
import { createAccountRotation, type AccountRotation } from "../accounts/account-rotation.ts";
import { createLoginManager, type LoginManager } from "../accounts/login-manager.ts";
import { openAccounts, type OpenedAccounts } from "../accounts/open-accounts.ts";
import { fetchOption, type RelayContext } from "./relay-app-options.ts";

export interface RelayAccounts {
  opened: OpenedAccounts;
  rotation: AccountRotation;
  logins: LoginManager;
}

export async function openRelayAccounts(ctx: RelayContext): Promise<RelayAccounts> {
  const { options, clock, logger, warn } = ctx;
  const opened = await openAccounts({
    dataDir: options.dataDir,
    cursorApi: options.cursorApi,
    secretStore: options.secretStore,
    warn,
    clock,
    logger: logger.child("accounts"),
    eager: true,
    ...fetchOption(options),
    ...(options.keytar ? { keytar: options.keytar } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const { registry } = opened;
  const rotation = createAccountRotation({ dataDir: options.dataDir, clock, accounts: registry, logger: logger.child("rotation"), ...options.rotation });
  const logins = createLoginManager({
    cursorApi: options.cursorApi,
    clock,
    registry,
    warn,
    ...fetchOption(options),
    ...(options.openBrowser === null ? {} : { openBrowser: options.openBrowser ?? openSystemBrowser }),
  });
  return { opened, rotation, logins };
}
